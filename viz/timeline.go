package viz

import (
	"fmt"
	"image"
)

// TimelineOptions tunes FilterTimeline.
type TimelineOptions struct {
	Title string // caption over the sheet; empty gives a description of the two rows
	Cols  int    // cells per row; 0: up to 6
	Width int    // about how wide each mosaic is drawn, in pixels; 0 means 150
}

// FilterTimeline draws conv1's filters at several steps of a run as a contact sheet (ContactSheet):
// each cell, labelled with its step, holds the filters then (FilterMosaic, each filter on its own
// scale, so every one shows its shape) above their change since the first frame (one scale for
// all cells, ±the largest change anywhere, so the growth of the change over the run shows). A
// colour bar under the sheet gives that scale. frames[i] holds K·C·R·S weights at steps[i]; it
// panics on a frame of another length, a programmer error.
func FilterTimeline(frames [][]float32, steps []int, k, c, r, s, groups int, opt TimelineOptions) *image.RGBA {
	n := min(len(frames), len(steps))
	if n == 0 {
		return withTitle(newCanvas(200, lineH+8, bgColor), "no filter frames yet")
	}
	for i := 0; i < n; i++ {
		if len(frames[i]) != k*c*r*s {
			panic(fmt.Sprintf("viz: FilterTimeline: frame %d has %d weights, want %d*%d*%d*%d", i, len(frames[i]), k, c, r, s))
		}
	}
	deltas := make([][]float32, n)
	rng := 0.0
	for i := 0; i < n; i++ {
		deltas[i] = Delta(frames[i], frames[0])
		rng = max(rng, SharedFilterRange(deltas[i], k, c, r, s))
	}
	width := opt.Width
	if width <= 0 {
		width = 150
	}
	l := layoutMosaic(k, r, s, groups, MosaicOptions{})
	cols := l.grid[0].cols
	scale := max(1, width/(cols*(s+1)))
	cells := make([]image.Image, n)
	labels := make([]string, n)
	for i := 0; i < n; i++ {
		raw := FilterMosaic(frames[i], k, c, r, s, groups, MosaicOptions{Cols: cols, Scale: scale})
		ch := FilterMosaic(deltas[i], k, c, r, s, groups, MosaicOptions{Cols: cols, Scale: scale, Range: rng})
		cell := newCanvas(max(raw.Rect.Dx(), ch.Rect.Dx()), raw.Rect.Dy()+6+ch.Rect.Dy(), bgColor)
		scaleInto(cell, raw.Rect, raw)
		scaleInto(cell, ch.Rect.Add(image.Pt(0, raw.Rect.Dy()+6)), ch)
		cells[i], labels[i] = cell, fmt.Sprintf("step %d", steps[i])
	}
	ncols := opt.Cols
	if ncols <= 0 {
		ncols = min(6, n)
	}
	sheet := ContactSheet(cells, labels, ncols)
	out := newCanvas(max(sheet.Rect.Dx(), 320), sheet.Rect.Dy()+8+colorBarH, bgColor)
	scaleInto(out, sheet.Rect, sheet)
	f := Diverging
	if c == 3 {
		f = rgbZeroGrey
	}
	bar := image.Rect(composeGap, sheet.Rect.Dy()+4, composeGap+min(300, out.Rect.Dx()-2*composeGap), sheet.Rect.Dy()+4+colorBarH)
	drawColorBarH(out, bar, f, true, "-"+FormatRange(rng), "0 (change)", "+"+FormatRange(rng))
	title := opt.Title
	if title == "" {
		title = fmt.Sprintf("conv1 over the run. Each cell: the filters (own scale each), below them their change since step %d (one scale)", steps[0])
	}
	return withTitle(out, title)
}
