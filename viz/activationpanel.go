package viz

import (
	"fmt"
	"image"
)

// ActivationOptions tunes ActivationPanel; the zero value gives sensible defaults.
type ActivationOptions struct {
	Scale   int         // screen pixels per activation pixel; 0 picks one so the grid is about 512 px wide (1..8)
	Cols    int         // tiles per row; 0 makes the grid about square
	Caption string      // title, e.g. "conv2  48x13x13 at step 500"; empty draws none
	Input   image.Image // the image the activations answer, drawn at the left; nil for none
	// PerChannel gives every channel its own min…max colour scale (weak channels show their
	// pattern); false uses one scale for the whole layer, so channels compare, and the colour bar
	// gives its values.
	PerChannel bool
}

// actPanelLayout is where ActivationPanel puts things (without the title): the side column with
// the input and the colour bar, and the grid of numbered tiles.
type actPanelLayout struct {
	size  image.Point
	scale int
	grid  tileGrid        // cells hold a label band above each tile
	at    image.Point     // the grid's corner
	band  int             // height of the number band above each tile; 0 when numbers go in the margin
	input image.Rectangle // where the input image goes (empty: none)
	bar   image.Rectangle // the colour bar
}

// sideX is the side column's left margin.
const sideX = 3

// sideMin is the narrowest the side column gets (the colour bar and its labels).
const sideMin = 10 + 4 + 9*charW

func actPanel(c, h, w int, inSize image.Point, opt ActivationOptions) actPanelLayout {
	cols := opt.Cols
	if cols <= 0 {
		cols = bestCols(c, 1, h+2, w)
	}
	cols = max(1, min(cols, c))
	scale := opt.Scale
	if scale <= 0 {
		scale = autoScale(gridTarget, cols, w, 8)
	}
	l := actPanelLayout{scale: scale}
	tw, th := w*scale, h*scale
	margin := 0
	if textWidth(itoa(c-1)) <= tw {
		l.band = lineH + 1 // every tile numbered above it
	} else {
		margin = textWidth(itoa(c-1)) + 4 // the first channel of each row, left of the row
	}
	l.grid = newTileGrid(c, cols, tw, th+l.band, 1)
	gs := l.grid.size()
	// Side column: "input", the input image about two tiles high (56…160 px), then the colour bar.
	side, y := sideMin, 0
	if inSize.X > 0 && inSize.Y > 0 {
		target := max(56, min(160, 2*th))
		box := image.Rect(sideX, lineH+2, sideX+target, lineH+2+target)
		l.input = fitRect(box, inSize)
		if l.input.Dy() > target { // larger than the box: shrink to fit
			l.input = box
		}
		side = max(side, l.input.Dx())
		y = l.input.Max.Y + 8
	}
	barH := max(48, min(160, gs.Y-y-lineH-4))
	l.bar = image.Rect(sideX, y+lineH+4, sideX+10, y+lineH+4+barH)
	l.at = image.Pt(sideX+side+10+margin, 0)
	l.size = image.Pt(l.at.X+gs.X, max(gs.Y, l.bar.Max.Y+2))
	return l
}

// ActivationPanel draws the activations a of one image at one layer, shape [C, H, W]: the input
// image at the left (opt.Input), under it a colour bar with the scale's values, and the C channels
// as tiles numbered 0…C−1 (above each tile, or at the start of each row when the tiles are too
// small for the numbers) in the viridis map. Non-finite values are magenta. It panics if
// len(a) != C·H·W or a size is below 1: a programmer error.
func ActivationPanel(a []float32, c, h, w int, opt ActivationOptions) *image.RGBA {
	if c < 1 || h < 1 || w < 1 || len(a) != c*h*w {
		panic(fmt.Sprintf("viz: ActivationPanel: len(a)=%d, want C*H*W = %d*%d*%d", len(a), c, h, w))
	}
	var inSize image.Point
	if opt.Input != nil {
		inSize = opt.Input.Bounds().Size()
	}
	l := actPanel(c, h, w, inSize, opt)
	img := newCanvas(l.size.X, l.size.Y, bgColor)
	if !l.input.Empty() {
		drawText(img, sideX, 0, "input", textColor)
		scaleInto(img, l.input, toRGBA(opt.Input))
		strokeRect(img, l.input.Inset(-1), borderColor)
	}
	lo, hi, _ := finiteRange(a)
	barTop, barBottom, scaleName := FormatRange(float64(hi)), FormatRange(float64(lo)), "layer"
	if opt.PerChannel {
		barTop, barBottom, scaleName = "max", "min", "channel"
	}
	drawText(img, sideX, l.bar.Min.Y-lineH-3, "per "+scaleName, textColor)
	drawColorBarV(img, l.bar.Min.X+1, l.bar.Min.Y, l.bar.Dy(), Viridis, barTop, barBottom)

	plane := h * w
	fillRect(img, image.Rectangle{Min: l.at, Max: l.at.Add(l.grid.size())}, borderColor)
	for i := 0; i < l.grid.rows*l.grid.cols; i++ {
		cell := l.grid.cell(l.at, i)
		if i >= c {
			fillRect(img, cell, bgColor)
			continue
		}
		tile := image.Rectangle{Min: cell.Min.Add(image.Pt(0, l.band)), Max: cell.Max}
		if l.band > 0 {
			fillRect(img, image.Rect(cell.Min.X, cell.Min.Y, cell.Max.X, tile.Min.Y), bgColor)
			drawText(img, cell.Min.X+1, cell.Min.Y, itoa(i), axisColor)
		} else if row := i / l.grid.cols; i%l.grid.cols == 0 && row%((lineH+cell.Dy())/(cell.Dy()+1)) == 0 {
			// Only as many rows numbered as fit without overlapping.
			s := itoa(i)
			drawText(img, l.at.X-2-textWidth(s), cell.Min.Y+(cell.Dy()-lineH)/2, s, axisColor)
		}
		x := a[i*plane : (i+1)*plane]
		var src *image.RGBA
		if opt.PerChannel {
			src = colorMapped(x, h, w)
		} else {
			src = colorMappedRange(x, h, w, lo, hi)
		}
		blitScaled(img, tile.Min, src, l.scale)
		if countColorPix(src.Pix, nanColor) > 0 {
			strokeRect(img, tile.Inset(-1), nanColor)
		}
	}
	return withTitle(img, opt.Caption)
}

// ActivationPanelSize is the size ActivationPanel gives [C, H, W] with an input of size in (zero
// for none) and opt, title included.
func ActivationPanelSize(c, h, w int, in image.Point, opt ActivationOptions) image.Point {
	return titledSize(actPanel(c, h, w, in, opt).size, opt.Caption)
}
