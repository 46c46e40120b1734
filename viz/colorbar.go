package viz

import (
	"image"
	"image/color"
)

// colorBarH is the height of a horizontal colour bar with its labels: a 10-pixel bar, then a line
// of text below it.
const colorBarH = 10 + 3 + lineH + 2

// drawColorBarH draws a horizontal colour bar across r (its top 10 pixels), colour f(t) for t
// running from −1 at the left to 1 at the right (or 0 to 1 when unsigned), with labels under its
// left end, its middle and its right end (empty labels are skipped).
func drawColorBarH(dst *image.RGBA, r image.Rectangle, f func(t float64) color.RGBA, signed bool, left, mid, right string) {
	if r.Dx() < 3 {
		return
	}
	bar := image.Rect(r.Min.X, r.Min.Y, r.Max.X, r.Min.Y+10)
	for x := bar.Min.X; x < bar.Max.X; x++ {
		t := float64(x-bar.Min.X) / float64(bar.Dx()-1)
		if signed {
			t = 2*t - 1
		}
		fillRect(dst, image.Rect(x, bar.Min.Y, x+1, bar.Max.Y), f(t))
	}
	strokeRect(dst, bar.Inset(-1), borderColor)
	y := bar.Max.Y + 3
	if left != "" {
		drawText(dst, r.Min.X, y, left, textColor)
	}
	if mid != "" {
		drawText(dst, (r.Min.X+r.Max.X-textWidth(mid))/2, y, mid, textColor)
	}
	if right != "" {
		drawText(dst, r.Max.X-textWidth(right), y, right, textColor)
	}
}

// drawColorBarV draws a vertical colour bar of width 10 in column x from top to top+h, colour f(t)
// for t from 1 at the top to 0 at the bottom, with hi written beside its top and lo beside its
// bottom.
func drawColorBarV(dst *image.RGBA, x, top, h int, f func(t float64) color.RGBA, hi, lo string) {
	if h < 3 {
		return
	}
	for y := top; y < top+h; y++ {
		t := 1 - float64(y-top)/float64(h-1)
		fillRect(dst, image.Rect(x, y, x+10, y+1), f(t))
	}
	strokeRect(dst, image.Rect(x-1, top-1, x+11, top+h+1), borderColor)
	drawText(dst, x+14, top-2, hi, textColor)
	drawText(dst, x+14, top+h-lineH+2, lo, textColor)
}

// rgbZeroGrey is the colour bar of an RGB filter channel: t = −1 … 1 as FilterImage draws it.
func rgbZeroGrey(t float64) color.RGBA {
	g := uint8(128 + signedByte(t))
	return color.RGBA{g, g, g, 255}
}
