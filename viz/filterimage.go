package viz

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strconv"
)

// FilterImage renders one filter x of shape [C, R, S] around zero, with ±rng as the ends of the
// scale, so that a weight of 0 always looks the same and the sign of a weight is visible:
//
//   - C = 3 (an RGB filter, as in the paper's Figure 3): each channel is 128 + 127·v/rng, so zero is
//     mid grey and a filter's colour is the colour it responds to;
//   - C = 1: the blue–white–red Diverging map of v/rng (white is zero, red positive, blue negative);
//   - any other C: Diverging of the mean over channels.
//
// Values beyond ±rng are clamped; rng ≤ 0 or non-finite draws zero everywhere as zero; non-finite
// values are magenta. It panics if len(x) != c·r·s, a programmer error.
func FilterImage(x []float32, c, r, s int, rng float64) *image.RGBA {
	if c < 1 || r < 1 || s < 1 || len(x) != c*r*s {
		panic(fmt.Sprintf("viz: FilterImage: len(x)=%d, want c*r*s = %d*%d*%d", len(x), c, r, s))
	}
	if !(rng > 0) || math.IsInf(rng, 0) {
		rng = 1
	}
	img := image.NewRGBA(image.Rect(0, 0, s, r))
	plane := r * s
	if c == 3 {
		for i := 0; i < plane; i++ {
			px := nanColor
			if v := [3]float32{x[i], x[plane+i], x[2*plane+i]}; isFinite(v[0]) && isFinite(v[1]) && isFinite(v[2]) {
				px = color.RGBA{zeroGrey(v[0], rng), zeroGrey(v[1], rng), zeroGrey(v[2], rng), 255}
			}
			setRGBA(img, i%s, i/s, px)
		}
		return img
	}
	grey := x
	if c != 1 {
		grey = channelMean(x, c, plane)
	}
	for i, v := range grey {
		px := nanColor
		if isFinite(v) {
			px = Diverging(float64(v) / rng)
		}
		setRGBA(img, i%s, i/s, px)
	}
	return img
}

// zeroGrey maps v in [−rng, rng] (clamped) to 128 + round(127·v/rng): 1 … 255, zero at 128.
func zeroGrey(v float32, rng float64) uint8 {
	return uint8(128 + signedByte(float64(v)/rng))
}

// FilterRange returns the largest finite |value| a filter of shape [C, R, S] is drawn with by
// FilterImage: over all its values for C = 1 or 3, over its channel mean otherwise; 0 when it has
// none.
func FilterRange(x []float32, c, r, s int) float64 {
	v := x
	if c != 1 && c != 3 {
		v = channelMean(x, c, r*s)
	}
	m := 0.0
	for _, a := range v {
		if isFinite(a) {
			m = math.Max(m, math.Abs(float64(a)))
		}
	}
	return m
}

// SharedFilterRange is the largest FilterRange over the k filters of w [K, C, R, S].
func SharedFilterRange(w []float32, k, c, r, s int) float64 {
	per := c * r * s
	m := 0.0
	for j := 0; j < k && (j+1)*per <= len(w); j++ {
		m = math.Max(m, FilterRange(w[j*per:(j+1)*per], c, r, s))
	}
	return m
}

// Delta returns w − ref element by element (the change of filters since ref, e.g. their
// initialisation); it panics when the lengths differ, a programmer error.
func Delta(w, ref []float32) []float32 {
	if len(w) != len(ref) {
		panic(fmt.Sprintf("viz: Delta: %d values against a reference of %d", len(w), len(ref)))
	}
	d := make([]float32, len(w))
	for i := range w {
		d[i] = w[i] - ref[i]
	}
	return d
}

// FormatRange formats a scale end compactly for captions and colour bars ("0.042", "3.7", "210",
// "1.3e-05").
func FormatRange(v float64) string {
	a := math.Abs(v)
	switch {
	case v == 0:
		return "0"
	case a < 1e-3 || a >= 1e5:
		return strconv.FormatFloat(v, 'e', 1, 64)
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'g', 2, 64)
}
