package viz

import (
	"image"
	"image/color"
	"math"
	"slices"
	"strings"
)

// Metric says which panel of Curves a series belongs to.
type Metric int

const (
	// Loss series go to the left panel, on an axis from 0 (or below, if a value is) to the maximum.
	Loss Metric = iota
	// Accuracy series (fractions in [0, 1]) go to the middle panel, on a fixed 0–100 % axis.
	Accuracy
	// LR series (the learning rate) go to a narrow third panel, drawn only when there is one, on an
	// axis from 0 to the largest value.
	LR
)

// Series is one curve: Value[i] measured at training step Step[i]; only the first
// min(len(Step), len(Value)) points are drawn, and non-finite values leave a gap in the line and
// a magenta tick at the top of the plot.
type Series struct {
	Name   string // legend text, e.g. "train" or "val"
	Metric Metric
	Step   []int
	Value  []float64
	// Markers draws a square at every point (evaluations, which are few); a series with a single
	// point always gets one, so it is never a one-pixel dot.
	Markers bool
	// Faint draws a thin line in a dimmed colour (raw per-step values under their smoothed curve).
	Faint bool
}

// CurveOptions tunes Curves; the zero value gives 640×240.
type CurveOptions struct {
	Width, Height int // canvas size in pixels; 0 means 640 and 240
}

// seriesPalette holds the Okabe–Ito colours, chosen to stay distinct for colour-blind viewers.
var seriesPalette = []color.RGBA{
	{86, 180, 233, 255}, // sky blue
	{230, 159, 0, 255},  // orange
	{0, 158, 115, 255},  // bluish green
	{204, 121, 167, 255},
	{240, 228, 66, 255},
	{213, 94, 0, 255},
}

// Curves draws side-by-side panels, loss and top-1 accuracy against step (and the learning rate,
// in a narrower third panel, when a series of it is given), with axes, nice ticks, grid lines and
// a legend; a series has the same colour in every panel (colours follow the order in which names
// first appear), and the panels share the step axis, which starts at 0.
//
// It draws by hand rather than through gonum.org/v1/plot v0.17.0, which would add eight modules
// (fonts, PDF, SVG, LaTeX) and move golang.org/x/image from v0.5.0 to v0.30.0 for the whole
// project, and whose anti-aliased floating-point rasteriser suits pixel-exact goldens poorly.
func Curves(series []Series, opt CurveOptions) *image.RGBA {
	w, h := opt.Width, opt.Height
	if w <= 0 {
		w = 640
	}
	if h <= 0 {
		h = 240
	}
	img := newCanvas(w, h, bgColor)
	colors := map[string]color.RGBA{}
	for _, s := range series {
		if _, ok := colors[s.Name]; !ok {
			colors[s.Name] = seriesPalette[len(colors)%len(seriesPalette)]
		}
	}
	xlo, xhi := stepRange(series)
	panels := []struct {
		m     Metric
		title string
	}{{Loss, "loss vs step|loss"}, {Accuracy, "top-1 % vs step|top-1 %"}, {LR, "learning rate|lr"}}
	edges := []int{0, w / 2, w} // panel i spans edges[i] … edges[i+1]
	if slices.ContainsFunc(series, func(s Series) bool { return s.Metric == LR }) {
		edges = []int{0, w * 2 / 5, w * 4 / 5, w}
	}
	for i := 0; i+1 < len(edges); i++ {
		p := panels[i]
		var mine []Series
		for _, s := range series {
			if s.Metric == p.m {
				mine = append(mine, s)
			}
		}
		area := image.Rect(edges[i], 0, edges[i+1], h)
		drawCurvePanel(img, area, p.title, p.m, mine, colors, xlo, xhi)
	}
	return img
}

// stepRange returns the step axis: from 0 (or the smallest step, if one is negative) to the largest
// step over all drawable points, [0, 1] when there are none.
func stepRange(series []Series) (lo, hi float64) {
	for _, s := range series {
		for i := 0; i < min(len(s.Step), len(s.Value)); i++ {
			x := float64(s.Step[i])
			lo, hi = min(lo, x), max(hi, x)
		}
	}
	if hi == lo {
		hi = lo + 1
	}
	return lo, hi
}

// valueRange returns the y axis for a panel: [0, 1] for accuracy; for loss from min(0, smallest)
// to the largest finite value, rounded outwards to whole ticks.
func valueRange(m Metric, series []Series, n int) (lo, hi float64, t axisTicks) {
	if m == Accuracy {
		return 0, 1, niceTicks(0, 1, min(n, 5))
	}
	lo, hi = 0, 0
	for _, s := range series {
		for i := 0; i < min(len(s.Step), len(s.Value)); i++ {
			if v := s.Value[i]; !math.IsNaN(v) && !math.IsInf(v, 0) {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
	}
	if hi <= lo {
		hi = lo + 1
	}
	t = niceTicks(lo, hi, n)
	lo = math.Floor(lo/t.step) * t.step
	hi = math.Ceil(hi/t.step) * t.step
	t.first, t.last = int(math.Round(lo/t.step)), int(math.Round(hi/t.step))
	return lo, hi, t
}

// drawCurvePanel draws one panel (title, axes, ticks, curves, legend) inside area; title is
// "long|short", the short form used where the long one does not fit.
func drawCurvePanel(img *image.RGBA, area image.Rectangle, title string, m Metric, series []Series,
	colors map[string]color.RGBA, xlo, xhi float64) {
	top, bottom := area.Min.Y+titleBand, area.Max.Y-lineH-8
	ylo, yhi, yt := valueRange(m, series, max(2, (bottom-top)/25))
	factor := 1.0
	if m == Accuracy {
		factor = 100
	}
	labelW := 0
	for k := yt.first; k <= yt.last; k++ {
		labelW = max(labelW, textWidth(yt.label(k, factor)))
	}
	plot := image.Rect(area.Min.X+labelW+10, top, area.Max.X-12, bottom)
	if plot.Dx() < 4 || plot.Dy() < 4 {
		return // too small to draw anything useful
	}
	long, short, _ := strings.Cut(title, "|")
	legendX := drawLegend(img, area, short, series, colors)
	if textWidth(long) > legendX-area.Min.X-8-2*charW {
		long = short // the long title ("… vs step") only when it fits whole
	}
	drawText(img, area.Min.X+4, area.Min.Y+3, fitText(long, legendX-area.Min.X-8), textColor)
	xt := niceTicks(xlo, xhi, max(2, plot.Dx()/50))
	xPix := func(x float64) int { return plot.Min.X + toPixel(x, xlo, xhi, plot.Dx()) }
	yPix := func(y float64) int { return plot.Max.Y - 1 - toPixel(y, ylo, yhi, plot.Dy()) }
	for k := yt.first; k <= yt.last; k++ {
		y := yPix(yt.value(k))
		fillRect(img, image.Rect(plot.Min.X, y, plot.Max.X, y+1), gridColor)
		fillRect(img, image.Rect(plot.Min.X-3, y, plot.Min.X, y+1), axisColor)
		s := yt.label(k, factor)
		drawText(img, plot.Min.X-5-textWidth(s), y-lineH/2, s, textColor)
	}
	for k := xt.first; k <= xt.last; k++ {
		x := xPix(xt.value(k))
		fillRect(img, image.Rect(x, plot.Min.Y, x+1, plot.Max.Y), gridColor)
		fillRect(img, image.Rect(x, plot.Max.Y, x+1, plot.Max.Y+3), axisColor)
		s := xt.label(k, 1)
		drawText(img, x-textWidth(s)/2, plot.Max.Y+4, s, textColor)
	}
	fillRect(img, image.Rect(plot.Min.X-1, plot.Min.Y, plot.Min.X, plot.Max.Y+1), axisColor)
	fillRect(img, image.Rect(plot.Min.X-1, plot.Max.Y, plot.Max.X, plot.Max.Y+1), axisColor)
	drawn := 0
	for _, s := range series {
		c, pen := colors[s.Name], 2
		if s.Faint {
			c, pen = blend(c, bgColor), 1
		}
		n := min(len(s.Step), len(s.Value))
		marks := s.Markers || finitePoints(s.Value[:n]) == 1
		prev, have := image.Point{}, false
		for i := 0; i < n; i++ {
			x, v := xPix(float64(s.Step[i])), s.Value[i]
			if math.IsNaN(v) || math.IsInf(v, 0) {
				fillRect(img, image.Rect(x-1, plot.Min.Y, x+2, plot.Min.Y+6), nanColor)
				have = false
				continue
			}
			p := image.Pt(x, yPix(v))
			if !have {
				prev = p
			}
			drawLine(img, plot, prev.X, prev.Y, p.X, p.Y, pen, c)
			if marks {
				m := image.Rect(p.X-2, p.Y-2, p.X+4, p.Y+4).Intersect(plot.Inset(-2))
				fillRect(img, m, c)
				strokeRect(img, m.Inset(-1).Intersect(plot.Inset(-3)), bgColor)
			}
			prev, have = p, true
			drawn++
		}
	}
	if drawn == 0 {
		msg := "no data"
		drawText(img, (plot.Min.X+plot.Max.X-textWidth(msg))/2, (plot.Min.Y+plot.Max.Y-lineH)/2, msg, axisColor)
	}
}

// finitePoints counts the finite values of v.
func finitePoints(v []float64) int {
	n := 0
	for _, x := range v {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			n++
		}
	}
	return n
}

// blend mixes a and b half and half (integer arithmetic).
func blend(a, b color.RGBA) color.RGBA {
	return color.RGBA{uint8((int(a.R) + int(b.R)) / 2), uint8((int(a.G) + int(b.G)) / 2), uint8((int(a.B) + int(b.B)) / 2), 255}
}

// toPixel maps v in [lo, hi] to round((v−lo)/(hi−lo)·(n−1)), clamped a little outside [0, n) so
// wild values cannot overflow; the float64 conversion forbids a fused multiply-add.
func toPixel(v, lo, hi float64, n int) int {
	t := (v - lo) / (hi - lo)
	t = max(-1, min(2, t))
	return int(math.Floor(float64(t*float64(n-1)) + 0.5))
}

// drawLegend lists each distinct series name after a short line in its colour, right-aligned in
// the title strip of area, where it can never hide data, and returns the x where it starts. When
// the strip cannot hold the legend and the first four characters of the title, it draws nothing
// and returns area.Max.X.
func drawLegend(img *image.RGBA, area image.Rectangle, title string, series []Series, colors map[string]color.RGBA) int {
	var names []string
	width := 0
	for _, s := range series {
		if !slices.Contains(names, s.Name) {
			names = append(names, s.Name)
			width += 14 + textWidth(s.Name) + 8
		}
	}
	keep := min(textWidth(title), 4*charW)
	if len(names) == 0 || width > area.Dx()-16-keep-8 {
		return area.Max.X
	}
	x := area.Max.X - 12 - width + 8 // right edge in line with the plot's
	start := x
	for _, n := range names {
		fillRect(img, image.Rect(x, area.Min.Y+9, x+11, area.Min.Y+11), colors[n])
		drawText(img, x+14, area.Min.Y+3, n, textColor)
		x += 14 + textWidth(n) + 8
	}
	return start
}
