package viz

import (
	"image"
	"image/color"
	"math"
	"slices"
)

// Metric says which panel of Curves a series belongs to.
type Metric int

const (
	// Loss series go to the left panel, on an axis from 0 (or below, if a value is) to the maximum.
	Loss Metric = iota
	// Accuracy series (fractions in [0, 1]) go to the right panel, on a fixed 0–100 % axis.
	Accuracy
)

// Series is one curve: Value[i] measured at training step Step[i]; only the first
// min(len(Step), len(Value)) points are drawn, and non-finite values leave a gap in the line and
// a magenta tick at the top of the plot.
type Series struct {
	Name   string // legend text, e.g. "train" or "val"
	Metric Metric
	Step   []int
	Value  []float64
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

// Curves draws two side-by-side panels, loss and top-1 accuracy against step, with axes, nice
// ticks, grid lines and a legend; a series has the same colour in both panels (colours follow the
// order in which names first appear), and both panels share the step axis.
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
	}{{Loss, "loss vs step"}, {Accuracy, "top-1 % vs step"}}
	for i, p := range panels {
		var mine []Series
		for _, s := range series {
			if s.Metric == p.m {
				mine = append(mine, s)
			}
		}
		area := image.Rect(i*w/2, 0, (i+1)*w/2, h)
		drawCurvePanel(img, area, p.title, p.m, mine, colors, xlo, xhi)
	}
	return img
}

// stepRange returns the smallest and largest step over all drawable points, widened to a
// non-empty range ([0, 1] when there are none).
func stepRange(series []Series) (lo, hi float64) {
	seen := false
	for _, s := range series {
		for i := 0; i < min(len(s.Step), len(s.Value)); i++ {
			x := float64(s.Step[i])
			if !seen {
				lo, hi, seen = x, x, true
			}
			lo, hi = min(lo, x), max(hi, x)
		}
	}
	if !seen {
		return 0, 1
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
		return 0, 1, niceTicks(0, 1, 5)
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

// drawCurvePanel draws one panel (title, axes, ticks, curves, legend) inside area.
func drawCurvePanel(img *image.RGBA, area image.Rectangle, title string, m Metric, series []Series,
	colors map[string]color.RGBA, xlo, xhi float64) {
	top, bottom := area.Min.Y+titleBand, area.Max.Y-lineH-8
	ylo, yhi, yt := valueRange(m, series, max(2, (bottom-top)/30))
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
	drawText(img, area.Min.X+4, area.Min.Y+3, fitText(title, area.Dx()-8), textColor)
	xt := niceTicks(xlo, xhi, max(1, plot.Dx()/50))
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
		c := colors[s.Name]
		prev, have := image.Point{}, false
		for i := 0; i < min(len(s.Step), len(s.Value)); i++ {
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
			drawLine(img, plot, prev.X, prev.Y, p.X, p.Y, 2, c)
			prev, have = p, true
			drawn++
		}
	}
	if drawn == 0 {
		msg := "no data"
		drawText(img, (plot.Min.X+plot.Max.X-textWidth(msg))/2, (plot.Min.Y+plot.Max.Y-lineH)/2, msg, axisColor)
	}
	drawLegend(img, plot, series, colors)
}

// toPixel maps v in [lo, hi] to round((v−lo)/(hi−lo)·(n−1)), clamped a little outside [0, n) so
// wild values cannot overflow; the float64 conversion forbids a fused multiply-add.
func toPixel(v, lo, hi float64, n int) int {
	t := (v - lo) / (hi - lo)
	t = max(-1, min(2, t))
	return int(math.Floor(float64(t*float64(n-1)) + 0.5))
}

// drawLegend lists each distinct series name with a short line in its colour, in the corner of
// plot that hides the fewest curve pixels (top-right first), so a rising accuracy curve is not
// covered.
func drawLegend(img *image.RGBA, plot image.Rectangle, series []Series, colors map[string]color.RGBA) {
	var names []string
	widest := 0
	for _, s := range series {
		if !slices.Contains(names, s.Name) {
			names = append(names, s.Name)
			widest = max(widest, textWidth(s.Name))
		}
	}
	if len(names) == 0 {
		return
	}
	size := image.Pt(widest+28, 4+len(names)*(lineH+2))
	corners := []image.Point{
		{plot.Max.X - 4 - size.X, plot.Min.Y + 4}, {plot.Max.X - 4 - size.X, plot.Max.Y - 4 - size.Y},
		{plot.Min.X + 4, plot.Min.Y + 4}, {plot.Min.X + 4, plot.Max.Y - 4 - size.Y},
	}
	var box image.Rectangle
	hidden := -1
	for _, c := range corners {
		r := image.Rectangle{Min: c, Max: c.Add(size)}
		n := 0
		for _, col := range colors {
			n += countIn(img, r, col)
		}
		if hidden < 0 || n < hidden {
			box, hidden = r, n
		}
	}
	fillRect(img, box, bgColor)
	strokeRect(img, box, axisColor)
	for i, n := range names {
		y := box.Min.Y + 3 + i*(lineH+2)
		fillRect(img, image.Rect(box.Min.X+4, y+6, box.Min.X+18, y+8), colors[n])
		drawText(img, box.Min.X+22, y, n, textColor)
	}
}
