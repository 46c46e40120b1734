package viz

import (
	"image"
	"image/color"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// The only font is basicfont's 7×13 bitmap face: no font files to ship, and a bitmap mask drawn
// with integer compositing gives identical pixels everywhere, which golden tests need.
const (
	charW = 7  // advance of every glyph, in pixels
	lineH = 13 // ascent 11 + descent 2
)

// asciiOnly replaces runes the 7×13 face cannot draw (anything outside printable ASCII) with '?',
// so a caption like "96×55×55" loses a glyph visibly instead of silently.
func asciiOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return '?'
		}
		return r
	}, s)
}

// textWidth is the width in pixels of s drawn by drawText.
func textWidth(s string) int { return charW * len([]rune(s)) }

// drawText draws s with its top-left corner at (x, top), clipped to img.
func drawText(img *image.RGBA, x, top int, s string, c color.RGBA) {
	d := font.Drawer{
		Dst:  img,
		Src:  image.NewUniform(c),
		Face: basicfont.Face7x13,
		Dot:  fixed.P(x, top+basicfont.Face7x13.Ascent),
	}
	d.DrawString(asciiOnly(s))
}

// fitText shortens s with a trailing "~" so that it is at most width pixels wide.
func fitText(s string, width int) string {
	r := []rune(s)
	n := width / charW
	if len(r) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	return string(r[:n-1]) + "~"
}

// ShapeCaption formats the usual activation caption, e.g. "conv1  96x55x55".
func ShapeCaption(layer string, c, h, w int) string {
	return layer + "  " + itoa(c) + "x" + itoa(h) + "x" + itoa(w)
}
