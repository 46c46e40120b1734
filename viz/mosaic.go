package viz

import (
	"fmt"
	"image"
)

// MosaicOptions tunes FilterMosaic; the zero value gives sensible defaults.
type MosaicOptions struct {
	Scale    int    // screen pixels per filter pixel; 0 picks one so the mosaic is about 400 px wide (1..16)
	Cols     int    // tiles per row; 0 makes the whole mosaic about square (capped at the filters per group)
	Border   int    // width of the lines between tiles; 0 means 1
	GroupGap int    // background pixels between group blocks; 0 means max(6, tile height / 3)
	Title    string // caption above the mosaic, e.g. "conv1 filters, step 1200"; empty draws none
	// Shared draws every filter on one scale, ±(the largest |w| of them all), so their magnitudes
	// compare; false gives each filter its own ±(its largest |w|), so every one shows its shape.
	Shared bool
	// Range, when > 0, is the ±scale of every filter (e.g. one scale over a whole timeline).
	Range float64
	// Bar draws a colour bar under the mosaic with the scale's ends.
	Bar bool
}

// mosaicTarget is the width in pixels that the automatic scale aims for.
const mosaicTarget = 400

// mosaicLayout is where FilterMosaic puts things: the canvas size (without title), the scale,
// the grid of every block, each block's corner, and which filters each block holds.
type mosaicLayout struct {
	size   image.Point
	scale  int
	grid   []tileGrid
	corner []image.Point
	first  []int           // block b holds filters first[b] ≤ j < first[b+1]
	bar    image.Rectangle // the colour bar's place, empty without one
}

// barMinWidth is the narrowest a mosaic with a colour bar gets, so the bar's labels fit.
const barMinWidth = 100

// layoutMosaic splits k filters of r×s into groups blocks (block b holds filters
// [b·k/groups, (b+1)·k/groups)), stacked top to bottom like the paper's two GPUs in Figure 3.
func layoutMosaic(k, r, s, groups int, opt MosaicOptions) mosaicLayout {
	groups = max(1, min(groups, k))
	border := opt.Border
	if border <= 0 {
		border = 1
	}
	first := make([]int, groups+1)
	most := 0
	for b := 0; b <= groups; b++ {
		first[b] = b * k / groups
		if b > 0 {
			most = max(most, first[b]-first[b-1])
		}
	}
	cols := opt.Cols
	if cols <= 0 {
		cols = bestCols(most, groups, r, s)
	}
	cols = max(1, min(cols, most))
	scale := opt.Scale
	if scale <= 0 {
		scale = autoScale(mosaicTarget, cols, s, 16)
	}
	gap := opt.GroupGap
	if gap <= 0 {
		gap = max(6, r*scale/3)
	}
	l := mosaicLayout{scale: scale, first: first}
	y := 0
	for b := 0; b < groups; b++ {
		g := newTileGrid(first[b+1]-first[b], cols, s*scale, r*scale, border)
		l.grid = append(l.grid, g)
		l.corner = append(l.corner, image.Pt(0, y))
		l.size.X = max(l.size.X, g.size().X)
		y += g.size().Y + gap
	}
	l.size.Y = y - gap
	if opt.Bar {
		l.size.X = max(l.size.X, barMinWidth)
		l.bar = image.Rect(0, l.size.Y+6, l.size.X, l.size.Y+6+colorBarH)
		l.size.Y = l.bar.Max.Y
	}
	return l
}

// tileRect returns the canvas rectangle of filter j (without title offset).
func (l mosaicLayout) tileRect(j int) image.Rectangle {
	for b := range l.grid {
		if j < l.first[b+1] {
			return l.grid[b].cell(l.corner[b], j-l.first[b])
		}
	}
	panic(fmt.Sprintf("viz: tileRect: filter %d out of range", j))
}

// FilterMosaic draws conv weights w of shape [K, C, R, S] as a mosaic of K tiles, one per filter,
// like Figure 3 of the AlexNet paper.
//
// Each filter is drawn by FilterImage around zero (RGB for C = 3, the blue–white–red Diverging map
// otherwise): on its own scale ±(its largest |w|), or with opt.Shared on one scale for all, or on
// ±opt.Range. Tiles are upscaled with nearest neighbour and placed on a grid with thin borders.
// With groups > 1 the filters are split into that many equal blocks (any K works; block b gets
// filters [b·K/groups, (b+1)·K/groups)) stacked with a background gap, as the paper's two GPUs.
// opt.Bar adds a colour bar naming the scale. It panics if len(w) != K·C·R·S or a size is below 1:
// a programmer error.
func FilterMosaic(w []float32, k, c, r, s, groups int, opt MosaicOptions) *image.RGBA {
	if k < 1 || c < 1 || r < 1 || s < 1 || len(w) != k*c*r*s {
		panic(fmt.Sprintf("viz: FilterMosaic: len(w)=%d, want K*C*R*S = %d*%d*%d*%d", len(w), k, c, r, s))
	}
	l := layoutMosaic(k, r, s, groups, opt)
	img := newCanvas(l.size.X, l.size.Y, bgColor)
	per := c * r * s
	shared := opt.Range
	if shared <= 0 && opt.Shared {
		shared = SharedFilterRange(w, k, c, r, s)
	}
	for b, g := range l.grid {
		g.draw(img, l.corner[b], l.scale, func(i int) *image.RGBA {
			j := l.first[b] + i
			x := w[j*per : (j+1)*per]
			rng := shared
			if rng <= 0 {
				rng = FilterRange(x, c, r, s)
			}
			return FilterImage(x, c, r, s, rng)
		})
	}
	if opt.Bar {
		f, lo, hi := Diverging, "-max", "+max" // each filter's own largest |w|
		if c == 3 {
			f = rgbZeroGrey
		}
		if shared > 0 {
			lo, hi = "-"+FormatRange(shared), "+"+FormatRange(shared)
		}
		drawColorBarH(img, l.bar, f, true, lo, "0", hi)
	}
	return withTitle(img, opt.Title)
}
