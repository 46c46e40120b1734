package viz

import (
	"image"
	"image/color"
)

// Dashboard is what the viewer shows at one moment: conv1's filters, one layer's activations
// for the probe (or another picture in their place, such as the confusion matrix), the curves,
// the probe's predictions, a status line and, on demand, a help overlay. Parts left empty are
// drawn as a placeholder naming what is missing, so a window opened before the first update is
// not blank.
type Dashboard struct {
	Filters      []float32 // conv1 weights [K, C, R, S] (or their change since initialisation)
	K, C, R, S   int
	Groups       int
	FilterTitle  string
	FilterShared bool    // one scale for all filters (MosaicOptions.Shared)
	FilterRange  float64 // > 0: this ±scale for all filters (MosaicOptions.Range)

	Act              []float32 // activations of one layer for the probe, [ActC, ActH, ActW]
	ActC, ActH, ActW int
	ActCaption       string
	ActInput         image.Image // the probe as the net sees it, beside the activations
	ActPerChannel    bool        // ActivationOptions.PerChannel

	// Alt, when set, is drawn in the activations' place, as large as fits, under AltTitle; AltNote,
	// when set instead, is written there in an outlined box (e.g. "no evaluation yet").
	Alt      image.Image
	AltTitle string
	AltNote  string

	Series []Series

	Probe      image.Image
	Top        []Prediction
	ProbeTitle string
	Truth      string

	Status string   // the status line along the bottom
	Help   []string // when not empty, drawn as an overlay box over the middle of the window
}

// statusBand is the height of the status line along the bottom of the dashboard.
const statusBand = lineH + 8

// StatusRect returns the status line's rectangle in a w×h window.
func StatusRect(w, h int) image.Rectangle { return image.Rect(0, max(0, h-statusBand), w, h) }

// DashboardLayout returns the rectangles of the four panels (filters, activations, curves,
// probe) in a w×h window, above the status line. Landscape windows get the filters and
// activations side by side on the top 62 % and the curves (60 % of the width) beside the probe
// below; portrait windows stack the four panels with 30/30/22/18 % of the height.
func DashboardLayout(w, h int) (filters, acts, curves, probe image.Rectangle) {
	h = max(1, h-statusBand)
	g := composeGap
	if w >= h {
		topH := (h - 3*g) * 62 / 100
		half := (w - 3*g) / 2
		curvesW := (w - 3*g) * 60 / 100
		filters = image.Rect(g, g, g+half, g+topH)
		acts = image.Rect(2*g+half, g, w-g, g+topH)
		curves = image.Rect(g, 2*g+topH, g+curvesW, h-g)
		probe = image.Rect(2*g+curvesW, 2*g+topH, w-g, h-g)
		return
	}
	avail := h - 5*g
	y := g
	var rs [4]image.Rectangle
	for i, pct := range []int{30, 30, 22, 18} {
		ph := avail * pct / 100
		rs[i] = image.Rect(g, y, w-g, y+ph)
		y += ph + g
	}
	return rs[0], rs[1], rs[2], rs[3]
}

// Render draws the dashboard into a new w×h image (sizes below 1 become 1).
func (d *Dashboard) Render(w, h int) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, max(w, 1), max(h, 1)))
	d.RenderInto(dst)
	return dst
}

// RenderInto draws the dashboard into dst, laid out for dst's size by DashboardLayout. Panels
// are rendered for their rectangle rather than scaled afterwards, so text stays 7×13 and crisp:
// the mosaic and the activation grid at the largest whole upscale that fits (shrunk with nearest
// neighbour only when even scale 1 does not), the curves and probe panel at exactly their size.
func (d *Dashboard) RenderInto(dst *image.RGBA) {
	fillRect(dst, dst.Rect, bgColor)
	fr, ar, cr, pr := DashboardLayout(dst.Rect.Dx(), dst.Rect.Dy())
	o := dst.Rect.Min
	fr, ar, cr, pr = fr.Add(o), ar.Add(o), cr.Add(o), pr.Add(o)
	if d.K > 0 && len(d.Filters) == d.K*d.C*d.R*d.S && d.C > 0 && d.R > 0 && d.S > 0 {
		mo := func(cols, s int) MosaicOptions {
			return MosaicOptions{Cols: cols, Scale: s, Shared: d.FilterShared, Range: d.FilterRange, Bar: true}
		}
		fitPanel(dst, fr, d.FilterTitle, d.K, func(cols, s int) image.Point {
			return layoutMosaic(d.K, d.R, d.S, d.Groups, mo(cols, s)).size
		}, func(cols, s int) *image.RGBA {
			return FilterMosaic(d.Filters, d.K, d.C, d.R, d.S, d.Groups, mo(cols, s))
		})
	} else {
		placeholder(dst, fr, "no filters yet")
	}
	var in image.Point
	if d.ActInput != nil {
		in = d.ActInput.Bounds().Size()
	}
	switch {
	case d.Alt != nil && !d.Alt.Bounds().Empty():
		fitImage(dst, ar, d.AltTitle, toRGBA(d.Alt))
	case d.AltNote != "":
		placeholder(dst, ar, d.AltNote)
	case d.ActC > 0 && len(d.Act) == d.ActC*d.ActH*d.ActW && d.ActH > 0 && d.ActW > 0:
		ao := func(cols, s int) ActivationOptions {
			return ActivationOptions{Cols: cols, Scale: s, Input: d.ActInput, PerChannel: d.ActPerChannel}
		}
		fitPanel(dst, ar, d.ActCaption, d.ActC, func(cols, s int) image.Point {
			return actPanel(d.ActC, d.ActH, d.ActW, in, ao(cols, s)).size
		}, func(cols, s int) *image.RGBA {
			return ActivationPanel(d.Act, d.ActC, d.ActH, d.ActW, ao(cols, s))
		})
	default:
		placeholder(dst, ar, "no activations yet")
	}
	if cr.Dx() > 0 && cr.Dy() > 0 {
		scaleInto(dst, cr, Curves(d.Series, CurveOptions{Width: cr.Dx(), Height: cr.Dy()}))
	}
	if pr.Dx() > 0 && pr.Dy() > 0 {
		opt := ProbeOptions{Width: pr.Dx(), Height: pr.Dy(), Title: d.ProbeTitle, Truth: d.Truth}
		scaleInto(dst, pr, ProbePanel(d.Probe, d.Top, opt))
	}
	sr := StatusRect(dst.Rect.Dx(), dst.Rect.Dy()).Add(o)
	fillRect(dst, sr, statusColor)
	fillRect(dst, image.Rect(sr.Min.X, sr.Min.Y, sr.Max.X, sr.Min.Y+1), borderColor)
	hint := "h: help"
	drawText(dst, sr.Max.X-4-textWidth(hint), sr.Min.Y+4, hint, axisColor)
	drawText(dst, sr.Min.X+4, sr.Min.Y+4, fitText(d.Status, sr.Dx()-textWidth(hint)-16), textColor)
	if len(d.Help) > 0 {
		drawHelp(dst, d.Help)
	}
}

// statusColor is the status line's background, a shade lighter than the panels'.
var statusColor = color.RGBA{36, 36, 36, 255}

// drawHelp draws lines in a bordered box over the middle of dst (clipped to it).
func drawHelp(dst *image.RGBA, lines []string) {
	w := 0
	for _, l := range lines {
		w = max(w, textWidth(l))
	}
	w = min(w+24, dst.Rect.Dx()-8)
	h := min(len(lines)*(lineH+4)+20, dst.Rect.Dy()-8)
	at := dst.Rect.Min.Add(image.Pt((dst.Rect.Dx()-w)/2, (dst.Rect.Dy()-h)/2))
	box := image.Rectangle{Min: at, Max: at.Add(image.Pt(w, h))}
	fillRect(dst, box, helpColor)
	strokeRect(dst, box, textColor)
	for i, l := range lines {
		y := box.Min.Y + 10 + i*(lineH+4)
		if y+lineH > box.Max.Y-4 {
			break
		}
		drawText(dst, box.Min.X+12, y, fitText(l, w-20), textColor)
	}
}

// helpColor is the help overlay's background.
var helpColor = color.RGBA{8, 8, 8, 255}

// fitImage draws img in r under title, at the largest whole upscale that fits (or shrunk to fit),
// centred.
func fitImage(dst *image.RGBA, r image.Rectangle, title string, img *image.RGBA) {
	body := r
	if title != "" {
		body.Min.Y += titleBand
	}
	if body.Empty() {
		return
	}
	place := fitRect(image.Rectangle{Max: body.Size()}, img.Rect.Size()).Size()
	at := body.Min.Add(body.Size().Sub(place).Div(2))
	scaleInto(dst, image.Rectangle{Min: at, Max: at.Add(place)}, img)
	if title != "" {
		drawText(dst, at.X, at.Y-titleBand+3, fitText(title, r.Max.X-at.X-4), textColor)
	}
}

// maxPanelScale bounds the whole upscale fitPanel tries; beyond it pixels are big enough.
const maxPanelScale = 16

// fitPanel draws a tiled panel (mosaic or activation grid) of n tiles in r: the title in the
// 7×13 font at the top, then the body from render(cols, s), centred. It picks the column count
// whose scale-1 body fills the space best (largest min(width ratio, height ratio), compared in
// integers), then the largest whole scale s ≤ maxPanelScale whose body fits; if even s = 1 is too
// large it shrinks the scale-1 body to fit with nearest neighbour, keeping its aspect.
func fitPanel(dst *image.RGBA, r image.Rectangle, title string, n int,
	sizeAt func(cols, s int) image.Point, render func(cols, s int) *image.RGBA) {
	body := r
	if title != "" {
		body.Min.Y += titleBand
	}
	if body.Empty() {
		return
	}
	bw, bh := int64(body.Dx()), int64(body.Dy())
	cols, bestX, bestY := 1, int64(0), int64(1) // best fit factor as the fraction bestX/bestY
	for c := 1; c <= n; c++ {
		sz := sizeAt(c, 1)
		x, y := bw, int64(sz.X) // fit factor = min(bw/sz.X, bh/sz.Y)
		if bh*int64(sz.X) < bw*int64(sz.Y) {
			x, y = bh, int64(sz.Y)
		}
		if x*bestY > bestX*y {
			cols, bestX, bestY = c, x, y
		}
	}
	scale := 0
	for s := maxPanelScale; s >= 1 && scale == 0; s-- {
		if sz := sizeAt(cols, s); sz.X <= body.Dx() && sz.Y <= body.Dy() {
			scale = s
		}
	}
	img := render(cols, max(scale, 1))
	place := img.Rect.Size()
	if scale == 0 {
		place = fitRect(image.Rectangle{Max: body.Size()}, place).Size()
	}
	at := body.Min.Add(body.Size().Sub(place).Div(2))
	scaleInto(dst, image.Rectangle{Min: at, Max: at.Add(place)}, img)
	if title != "" {
		drawText(dst, at.X, at.Y-titleBand+3, fitText(title, r.Max.X-at.X-4), textColor)
	}
}

// placeholder outlines r and writes msg in its middle.
func placeholder(dst *image.RGBA, r image.Rectangle, msg string) {
	if r.Empty() {
		return
	}
	strokeRect(dst, r, borderColor)
	msg = fitText(msg, r.Dx()-4)
	drawText(dst, r.Min.X+(r.Dx()-textWidth(msg))/2, r.Min.Y+(r.Dy()-lineH)/2, msg, axisColor)
}
