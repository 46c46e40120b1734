package viz

import (
	"fmt"
	"image"
	"image/color"
)

// TensorImage renders one [C, H, W] tensor x as an H×W picture, contrast-normalised so that the
// tensor's finite minimum becomes 0 and its maximum 255 (a constant tensor is mid grey, 128).
//
// C = 3 gives an RGB picture (channels 0, 1, 2 = R, G, B, normalised together so colours keep
// their balance); C = 1 gives grey; any other C gives grey from the mean over channels, which is
// what a filter responds to on a grey input. Non-finite values (or a channel mean that is
// non-finite) are drawn magenta. It panics if len(x) != c·h·w, a programmer error.
func TensorImage(x []float32, c, h, w int) *image.RGBA {
	if c < 1 || h < 1 || w < 1 || len(x) != c*h*w {
		panic(fmt.Sprintf("viz: TensorImage: len(x)=%d, want c*h*w = %d*%d*%d", len(x), c, h, w))
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	plane := h * w
	if c == 3 {
		lo, hi, _ := finiteRange(x)
		for i := 0; i < plane; i++ {
			r, g, b := x[i], x[plane+i], x[2*plane+i]
			px := nanColor
			if isFinite(r) && isFinite(g) && isFinite(b) {
				px = color.RGBA{unitByte(unit(r, lo, hi)), unitByte(unit(g, lo, hi)), unitByte(unit(b, lo, hi)), 255}
			}
			setRGBA(img, i%w, i/w, px)
		}
		return img
	}
	grey := x
	if c != 1 {
		grey = channelMean(x, c, plane)
	}
	lo, hi, _ := finiteRange(grey)
	for i, v := range grey {
		px := nanColor
		if isFinite(v) {
			g := unitByte(unit(v, lo, hi))
			px = color.RGBA{g, g, g, 255}
		}
		setRGBA(img, i%w, i/w, px)
	}
	return img
}

// channelMean returns the per-pixel mean over c planes of length plane: m[i] = Σ_ch x[ch·plane+i] / c.
func channelMean(x []float32, c, plane int) []float32 {
	m := make([]float32, plane)
	for i := range m {
		var s float64
		for ch := 0; ch < c; ch++ {
			s += float64(x[ch*plane+i])
		}
		m[i] = float32(s / float64(c))
	}
	return m
}

// colorMapped renders one h×w plane through the viridis map after per-plane min–max
// normalisation, t = (v − lo)/(hi − lo); a constant plane (a dead ReLU channel is all zeros)
// gets the lowest colour. It writes Pix directly: it is the hot loop of a dashboard redraw.
func colorMapped(x []float32, h, w int) *image.RGBA {
	lo, hi, _ := finiteRange(x)
	return colorMappedRange(x, h, w, lo, hi)
}

// setRGBA writes c at (x, y) of img without bounds clipping.
func setRGBA(img *image.RGBA, x, y int, c color.RGBA) {
	o := img.PixOffset(x, y)
	img.Pix[o], img.Pix[o+1], img.Pix[o+2], img.Pix[o+3] = c.R, c.G, c.B, c.A
}

// colorMappedRange renders one h×w plane through the viridis map with [lo, hi] as its ends (a
// scale shared by a whole layer); lo == hi gives the lowest colour.
func colorMappedRange(x []float32, h, w int, lo, hi float32) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	span := float64(hi) - float64(lo)
	for i, v := range x {
		c := nanColor
		if isFinite(v) {
			c = viridisLUT[0]
			if span > 0 {
				c = viridisLUT[unitByte((float64(v)-float64(lo))/span)]
			}
		}
		p := img.Pix[4*i : 4*i+4 : 4*i+4]
		p[0], p[1], p[2], p[3] = c.R, c.G, c.B, c.A
	}
	return img
}
