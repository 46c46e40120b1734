package viz

import (
	"image/color"
	"math"
)

// divergingAnchors are five colours at t = −1, −½, 0, ½, 1 of a blue–white–red diverging map (the
// usual choice for signed weights: zero is white, the sign is the hue, the magnitude the
// saturation). Blue and red stay distinct for the common red–green colour blindness, and neither
// is near the magenta non-finite marker.
var divergingAnchors = [5][3]int{
	{5, 113, 176},   // −1: blue
	{146, 197, 222}, // −½: light blue
	{247, 247, 247}, //  0: white
	{244, 165, 130}, // +½: light red
	{202, 0, 32},    // +1: red
}

// divergingLUT holds 255 colours for t = (i − 127)/127, i = 0 … 254, so that entry 127 is exactly
// zero; interpolated between the anchors in integer arithmetic.
var divergingLUT = buildDiverging()

// buildDiverging interpolates entry i at position p = 4i/254 between anchors ⌊p⌋ and ⌊p⌋+1:
// c = (a·(254−f) + b·f + 127) / 254 with f = 4i − 254⌊p⌋.
func buildDiverging() [255]color.RGBA {
	var lut [255]color.RGBA
	for i := range lut {
		seg := i * 4 / 254
		f := i*4 - seg*254
		if seg == 4 {
			seg, f = 3, 254
		}
		var ch [3]uint8
		for k := range ch {
			a, b := divergingAnchors[seg][k], divergingAnchors[seg+1][k]
			ch[k] = uint8((a*(254-f) + b*f + 127) / 254)
		}
		lut[i] = color.RGBA{ch[0], ch[1], ch[2], 255}
	}
	return lut
}

// Diverging returns the colour of t in [−1, 1] (clamped) on the blue–white–red map: −1 blue, 0
// white, +1 red. NaN and ±Inf give the magenta marker.
func Diverging(t float64) color.RGBA {
	if math.IsNaN(t) || math.IsInf(t, 0) {
		return nanColor
	}
	return divergingLUT[signedByte(t)+127]
}

// signedByte maps t in [−1, 1] (clamped) to round(127·t) in [−127, 127]; the float64 conversion
// stops the compiler fusing the multiply and add.
func signedByte(t float64) int {
	if !(t > -1) {
		return -127
	}
	if t >= 1 {
		return 127
	}
	return int(math.Floor(float64(t*127) + 0.5))
}
