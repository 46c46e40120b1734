package viz

import (
	"image"
	"image/color"
	"image/draw"
)

// tileGrid is the geometry of n tiles of tw×th pixels laid out row-major in cols columns, with
// border-pixel lines between the tiles and around the whole grid:
// width = cols·(tw+border) + border, height = rows·(th+border) + border.
type tileGrid struct {
	n, cols, rows, tw, th, border int
}

// newTileGrid returns the grid for n tiles; cols ≤ 0 picks the squarest grid (bestCols), and
// cols is capped at n.
func newTileGrid(n, cols, tw, th, border int) tileGrid {
	if cols <= 0 {
		cols = bestCols(n, 1, th, tw)
	}
	cols = max(1, min(cols, n))
	rows := (n + cols - 1) / cols
	return tileGrid{n: n, cols: cols, rows: rows, tw: tw, th: th, border: border}
}

// size is the grid's width and height in pixels.
func (g tileGrid) size() image.Point {
	return image.Pt(g.cols*(g.tw+g.border)+g.border, g.rows*(g.th+g.border)+g.border)
}

// cell returns the rectangle of cell i (0 ≤ i < rows·cols) for a grid whose corner is at.
func (g tileGrid) cell(at image.Point, i int) image.Rectangle {
	x := at.X + g.border + (i%g.cols)*(g.tw+g.border)
	y := at.Y + g.border + (i/g.cols)*(g.th+g.border)
	return image.Rect(x, y, x+g.tw, y+g.th)
}

// draw paints the grid at at: border lines, empty cells in the background colour, and tile(i)
// upscaled by scale into cell i for every i < n. A tile holding the magenta non-finite marker
// also gets a magenta frame over its border, because magenta can be a real colour in an RGB
// filter while the border colour never is.
func (g tileGrid) draw(dst *image.RGBA, at image.Point, scale int, tile func(i int) *image.RGBA) {
	fillRect(dst, image.Rectangle{Min: at, Max: at.Add(g.size())}, borderColor)
	for i := 0; i < g.rows*g.cols; i++ {
		r := g.cell(at, i)
		if i >= g.n {
			fillRect(dst, r, bgColor)
			continue
		}
		src := tile(i)
		blitScaled(dst, r.Min, src, scale)
		if countColorPix(src.Pix, nanColor) > 0 {
			strokeRect(dst, r.Inset(-g.border), nanColor)
		}
	}
}

// bestCols picks the column count for groups blocks of up to most tiles of r×s pixels: the one
// that makes the whole mosaic closest to square, max(cols·s, groups·rows·r) smallest, ties going
// to fewer empty cells and then to more columns (a wider mosaic suits a wide window).
func bestCols(most, groups, r, s int) int {
	best, bestSide, bestEmpty := 1, -1, 0
	for c := 1; c <= most; c++ {
		rows := (most + c - 1) / c
		side := max(c*s, groups*rows*r)
		empty := rows*c - most
		if bestSide < 0 || side < bestSide || side == bestSide && empty <= bestEmpty {
			best, bestSide, bestEmpty = c, side, empty
		}
	}
	return best
}

// autoScale picks the integer upscale in [1, maxScale] that makes cols tiles of tileW pixels
// (plus a one-pixel border each) come closest to target pixels wide without exceeding it.
func autoScale(target, cols, tileW, maxScale int) int {
	s := target / max(1, cols*(tileW+1))
	return max(1, min(s, maxScale))
}

// titleBand is the height of the caption strip drawn above a titled panel.
const titleBand = lineH + 6

// withTitle returns a canvas holding body below a caption strip when title is not empty, the
// canvas being widened if the caption is wider than body.
func withTitle(body *image.RGBA, title string) *image.RGBA {
	if title == "" {
		return body
	}
	sz := titledSize(body.Rect.Size(), title)
	out := newCanvas(sz.X, sz.Y, bgColor)
	drawText(out, 4, 3, title, textColor)
	draw.Draw(out, body.Rect.Add(image.Pt(0, titleBand)), body, image.Point{}, draw.Src)
	return out
}

// countColorPix returns how many RGBA pixels of pix equal c.
func countColorPix(pix []byte, c color.RGBA) int {
	n := 0
	for i := 0; i+3 < len(pix); i += 4 {
		if pix[i] == c.R && pix[i+1] == c.G && pix[i+2] == c.B && pix[i+3] == c.A {
			n++
		}
	}
	return n
}

// titledSize is the size withTitle gives a body of size body.
func titledSize(body image.Point, title string) image.Point {
	if title == "" {
		return body
	}
	return image.Pt(max(body.X, textWidth(title)+8), body.Y+titleBand)
}
