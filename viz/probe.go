package viz

import (
	"image"
	"image/color"
	"math"
	"strconv"
)

// Prediction is one of the probe's top classes.
type Prediction struct {
	Label string
	Prob  float64 // in [0, 1]
}

// ProbeOptions tunes ProbePanel; the zero value gives 420×160 with no title.
type ProbeOptions struct {
	Width, Height int    // canvas size in pixels; 0 means 420 and 160
	Title         string // caption, e.g. "probe 3 (true: Sneaker)"
	Truth         string // the true label: a row with this label is drawn in green
}

var (
	barColor   = color.RGBA{86, 180, 233, 255}
	truthColor = color.RGBA{0, 158, 115, 255}
)

// ProbePanel draws the probe image (upscaled with nearest neighbour by the largest integer
// factor that fits, or shrunk to fit when it is larger than the space) beside up to five rows "label ▮▮▮▮ 87.3%" for top (in the given order), the
// bar's length proportional to the probability. A non-finite probability draws a magenta bar and
// "NaN"; labels too long for the space end in "~", and a panel too narrow for the percentages
// leaves them out. A nil img leaves the picture area empty.
func ProbePanel(img image.Image, top []Prediction, opt ProbeOptions) *image.RGBA {
	w, h := opt.Width, opt.Height
	if w <= 0 {
		w = 420
	}
	if h <= 0 {
		h = 160
	}
	out := newCanvas(w, h, bgColor)
	y0 := 4
	if opt.Title != "" {
		drawText(out, 4, 3, fitText(opt.Title, w-8), textColor)
		y0 = titleBand
	}
	side := max(1, min(h-y0-4, w/2-8)) // the picture gets at most half the width
	box := image.Rect(4, y0, 4+side, y0+side)
	pic := box
	if img != nil && !img.Bounds().Empty() {
		src := toRGBA(img)
		pic = fitRect(box, src.Rect.Size())
		scaleInto(out, pic, src)
	}
	strokeRect(out, pic.Inset(-1), borderColor)
	rows := top[:min(5, len(top))]
	x0 := box.Max.X + 10
	pctW := textWidth("100.0%")
	rest := w - x0 - pctW - 12 // shared by the labels and the bars
	if rest < 60 {
		pctW, rest = 0, w-x0-6 // too narrow: labels and bars only, no percentages
	}
	labelW := 0 // as wide as the longest label, but at most 3/5 of rest
	for _, p := range rows {
		labelW = max(labelW, textWidth(p.Label)+8)
	}
	labelW = min(labelW, rest*3/5)
	barMax := rest - labelW
	for i, p := range rows {
		y := y0 + i*(lineH+8)
		c := textColor
		if opt.Truth != "" && p.Label == opt.Truth {
			c = truthColor
		}
		drawText(out, x0, y, fitText(p.Label, labelW-4), c)
		bx := x0 + labelW
		pct, bar, bc := "NaN", barMax, nanColor
		if !math.IsNaN(p.Prob) && !math.IsInf(p.Prob, 0) {
			q := max(0, min(1, p.Prob))
			pct = strconv.FormatFloat(100*q, 'f', 1, 64) + "%"
			bar, bc = int(math.Floor(float64(q*float64(barMax))+0.5)), barColor
			if c == truthColor {
				bc = truthColor
			}
		}
		if barMax > 0 {
			fillRect(out, image.Rect(bx, y+2, bx+barMax, y+lineH-1), gridColor)
			fillRect(out, image.Rect(bx, y+2, bx+bar, y+lineH-1), bc)
		}
		if pctW > 0 {
			drawText(out, bx+max(0, barMax)+6, y, pct, textColor)
		}
	}
	return out
}

// fitRect returns the largest rectangle at box's corner with the aspect ratio of size that fits
// in box, using an integer upscale when one fits so that small probes (28×28) stay crisp.
func fitRect(box image.Rectangle, size image.Point) image.Rectangle {
	bw, bh := box.Dx(), box.Dy()
	if k := min(bw/size.X, bh/size.Y); k >= 1 {
		return image.Rectangle{Min: box.Min, Max: box.Min.Add(size.Mul(k))}
	}
	w, h := bw, size.Y*bw/size.X
	if h > bh {
		w, h = size.X*bh/size.Y, bh
	}
	return image.Rectangle{Min: box.Min, Max: box.Min.Add(image.Pt(max(w, 1), max(h, 1)))}
}
