package viz

import (
	"fmt"
	"image"
)

// GridOptions tunes ActivationGrid; the zero value gives sensible defaults.
type GridOptions struct {
	Scale  int // screen pixels per activation pixel; 0 picks one so the grid is about 512 px wide (1..8)
	Cols   int // tiles per row; 0 makes the grid about square
	Border int // width of the lines between tiles; 0 means 1
}

// gridTarget is the width in pixels that the automatic scale of ActivationGrid aims for.
const gridTarget = 512

// ActivationGrid draws the activations a of one image at one layer, shape [C, H, W], as C tiles
// (one per channel) coloured with the viridis map after per-tile min–max normalisation, under a
// caption such as ShapeCaption("conv1", 96, 55, 55).
//
// A constant tile (a channel that ReLU silenced is all zeros) is the darkest colour; NaN and ±Inf
// are magenta. It panics if len(a) != C·H·W or a size is below 1: a programmer error.
func ActivationGrid(a []float32, c, h, w int, caption string, opt GridOptions) *image.RGBA {
	if c < 1 || h < 1 || w < 1 || len(a) != c*h*w {
		panic(fmt.Sprintf("viz: ActivationGrid: len(a)=%d, want C*H*W = %d*%d*%d", len(a), c, h, w))
	}
	g, scale := activationLayout(c, h, w, opt)
	img := newCanvas(g.size().X, g.size().Y, bgColor)
	plane := h * w
	g.draw(img, image.Point{}, scale, func(i int) *image.RGBA {
		return colorMapped(a[i*plane:(i+1)*plane], h, w)
	})
	return withTitle(img, caption)
}

// activationLayout returns the tile grid and scale ActivationGrid uses for [c, h, w] and opt.
func activationLayout(c, h, w int, opt GridOptions) (tileGrid, int) {
	border := opt.Border
	if border <= 0 {
		border = 1
	}
	cols := opt.Cols
	if cols <= 0 {
		cols = bestCols(c, 1, h, w)
	}
	scale := opt.Scale
	if scale <= 0 {
		scale = autoScale(gridTarget, min(cols, c), w, 8)
	}
	return newTileGrid(c, cols, w*scale, h*scale, border), scale
}
