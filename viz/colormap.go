package viz

import (
	"image/color"
	"math"
)

// viridisAnchors are nine evenly spaced samples (t = 0, 1/8, …, 1) of matplotlib's published
// viridis colour map; viridis is perceptually uniform, readable in grey and by colour-blind
// viewers, and contains no magenta, so the NaN marker cannot be mistaken for a value.
var viridisAnchors = [9][3]int{
	{0x44, 0x01, 0x54},
	{0x47, 0x2d, 0x7b},
	{0x3b, 0x52, 0x8b},
	{0x2c, 0x72, 0x8e},
	{0x21, 0x90, 0x8c},
	{0x27, 0xad, 0x81},
	{0x5d, 0xc8, 0x63},
	{0xaa, 0xdc, 0x32},
	{0xfd, 0xe7, 0x25},
}

// viridisLUT holds 256 colours linearly interpolated between the anchors in integer arithmetic.
var viridisLUT = buildViridis()

// buildViridis interpolates entry i at position p = 8i/255 between anchors ⌊p⌋ and ⌊p⌋+1:
// c = (a·(255−f) + b·f + 127) / 255 with f = 8i − 255⌊p⌋.
func buildViridis() [256]color.RGBA {
	var lut [256]color.RGBA
	for i := range lut {
		seg := i * 8 / 255
		f := i*8 - seg*255
		if seg == 8 {
			seg, f = 7, 255
		}
		var ch [3]uint8
		for k := range ch {
			a, b := viridisAnchors[seg][k], viridisAnchors[seg+1][k]
			ch[k] = uint8((a*(255-f) + b*f + 127) / 255)
		}
		lut[i] = color.RGBA{ch[0], ch[1], ch[2], 255}
	}
	return lut
}

// Viridis returns the colour of t in [0, 1] (clamped); NaN and ±Inf give the magenta marker.
func Viridis(t float64) color.RGBA {
	if math.IsNaN(t) || math.IsInf(t, 0) {
		return nanColor
	}
	return viridisLUT[unitByte(t)]
}

// unitByte maps t in [0, 1] (clamped) to round(255·t); the float64 conversion stops the compiler
// fusing the multiply and add, so rounding is the same on every architecture.
func unitByte(t float64) uint8 {
	if !(t > 0) {
		return 0
	}
	if t >= 1 {
		return 255
	}
	return uint8(math.Floor(float64(t*255) + 0.5))
}
