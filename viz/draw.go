package viz

import (
	"image"
	"image/color"
)

// Theme colours shared by every renderer: a dark background suits the viewer window and keeps
// the filter colours readable.
var (
	bgColor     = color.RGBA{24, 24, 24, 255}
	borderColor = color.RGBA{80, 80, 80, 255}
	textColor   = color.RGBA{220, 220, 220, 255}
	axisColor   = color.RGBA{160, 160, 160, 255}
	gridColor   = color.RGBA{52, 52, 52, 255}
	// nanColor marks NaN and ±Inf values wherever they are drawn.
	nanColor = color.RGBA{255, 0, 255, 255}
)

// newCanvas returns a w×h image filled with c; sizes below 1 become 1 so callers never get an
// empty image.
func newCanvas(w, h int, c color.RGBA) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, max(w, 1), max(h, 1)))
	fillRect(img, img.Rect, c)
	return img
}

// fillRect paints r (clipped to img) with c, writing Pix directly because draw.Draw with a
// uniform source is several times slower for the many small tiles we fill.
func fillRect(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	r = r.Intersect(img.Rect)
	if r.Empty() {
		return
	}
	first := img.PixOffset(r.Min.X, r.Min.Y)
	row := img.Pix[first : first+4*r.Dx()]
	for i := 0; i < len(row); i += 4 {
		row[i], row[i+1], row[i+2], row[i+3] = c.R, c.G, c.B, c.A
	}
	for y := r.Min.Y + 1; y < r.Max.Y; y++ {
		o := img.PixOffset(r.Min.X, y)
		copy(img.Pix[o:o+len(row)], row)
	}
}

// setPixel writes c at (x, y) if the point lies inside clip and the image.
func setPixel(img *image.RGBA, clip image.Rectangle, x, y int, c color.RGBA) {
	p := image.Pt(x, y)
	if !p.In(clip) || !p.In(img.Rect) {
		return
	}
	o := img.PixOffset(x, y)
	img.Pix[o], img.Pix[o+1], img.Pix[o+2], img.Pix[o+3] = c.R, c.G, c.B, c.A
}

// strokeRect draws the one-pixel outline of r.
func strokeRect(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	fillRect(img, image.Rect(r.Min.X, r.Min.Y, r.Max.X, r.Min.Y+1), c)
	fillRect(img, image.Rect(r.Min.X, r.Max.Y-1, r.Max.X, r.Max.Y), c)
	fillRect(img, image.Rect(r.Min.X, r.Min.Y, r.Min.X+1, r.Max.Y), c)
	fillRect(img, image.Rect(r.Max.X-1, r.Min.Y, r.Max.X, r.Max.Y), c)
}

// drawLine draws a segment from (x0, y0) to (x1, y1) with Bresenham's algorithm and a pen of
// pen×pen pixels, clipped to clip; integer-only so it is identical on every machine.
func drawLine(img *image.RGBA, clip image.Rectangle, x0, y0, x1, y1, pen int, c color.RGBA) {
	dx, sx := x1-x0, 1
	if dx < 0 {
		dx, sx = -dx, -1
	}
	dy, sy := y1-y0, 1
	if dy < 0 {
		dy, sy = -dy, -1
	}
	err := dx - dy
	for {
		for py := 0; py < pen; py++ {
			for px := 0; px < pen; px++ {
				setPixel(img, clip, x0+px, y0+py, c)
			}
		}
		if x0 == x1 && y0 == y1 {
			return
		}
		e2 := 2 * err
		if e2 > -dy {
			err -= dy
			x0 += sx
		}
		if e2 < dx {
			err += dx
			y0 += sy
		}
	}
}

// blitScaled copies src onto dst with its top-left corner at at, every source pixel becoming a
// scale×scale block (nearest-neighbour upscaling keeps filter pixels crisp), clipped to dst.
func blitScaled(dst *image.RGBA, at image.Point, src *image.RGBA, scale int) {
	scaleInto(dst, image.Rectangle{Min: at, Max: at.Add(src.Rect.Size().Mul(scale))}, src)
}

// toRGBA returns img itself when it is an *image.RGBA with origin (0,0), else a converted copy.
func toRGBA(img image.Image) *image.RGBA {
	if r, ok := img.(*image.RGBA); ok && r.Rect.Min == (image.Point{}) {
		return r
	}
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			out.Set(x, y, img.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	return out
}

// countIn returns how many pixels of img inside r equal c.
func countIn(img *image.RGBA, r image.Rectangle, c color.RGBA) int {
	r = r.Intersect(img.Rect)
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		o := img.PixOffset(r.Min.X, y)
		n += countColorPix(img.Pix[o:o+4*r.Dx()], c)
	}
	return n
}
