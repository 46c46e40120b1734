// Package layerstest holds the numeric helpers shared by the CPU and GPU layer tests: a seeded
// random fill and a tolerance comparison that reports the first mismatch with its coordinates.
package layerstest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// Rand returns n float32 values uniform in [−1, 1), the same for the same seed on every machine.
func Rand(n int, seed uint64) []float32 {
	r := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	out := make([]float32, n)
	for i := range out {
		out[i] = float32(2*r.Float64() - 1)
	}
	return out
}

// Compare checks |got−want| <= atol + rtol·|want| elementwise and returns an error describing the
// first mismatch: its coordinates (shape unravelled; n, c, h, w for a 4-D shape), got, want and
// the tolerance, plus how many elements differ in all. NaN or ±Inf in got is a mismatch unless
// want holds the same infinity. shape may be nil for a flat index; otherwise its product must
// equal len(want).
func Compare(got, want []float32, atol, rtol float64, shape []int) error {
	if len(got) != len(want) {
		return fmt.Errorf("compare: len(got) = %d, len(want) = %d", len(got), len(want))
	}
	if shape != nil {
		size := 1
		for _, d := range shape {
			size *= d
		}
		if size != len(want) {
			return fmt.Errorf("compare: shape %v holds %d elements, want len %d", shape, size, len(want))
		}
	}
	first, bad := -1, 0
	for i := range want {
		if !within(float64(got[i]), float64(want[i]), atol, rtol) {
			if first < 0 {
				first = i
			}
			bad++
		}
	}
	if first < 0 {
		return nil
	}
	g, w := float64(got[first]), float64(want[first])
	return fmt.Errorf("mismatch at %s: got %g, want %g, |diff| %.3g > tol %.3g (atol %g + rtol %g·|want|); %d of %d elements differ",
		Coords(first, shape), g, w, math.Abs(g-w), atol+rtol*math.Abs(w), atol, rtol, bad, len(want))
}

// within reports whether got is within atol + rtol·|want| of want; NaN never is.
func within(got, want, atol, rtol float64) bool {
	if got == want { // equal infinities included
		return true
	}
	d := math.Abs(got - want)
	return d <= atol+rtol*math.Abs(want) // false when either is NaN or got is infinite
}

// Coords names flat index i inside shape: "[n=1 c=2 h=3 w=4]" for 4-D, "[1 2]" otherwise,
// "[i=7]" for a nil shape.
func Coords(i int, shape []int) string {
	if len(shape) == 0 {
		return fmt.Sprintf("[i=%d]", i)
	}
	idx := make([]int, len(shape))
	for d := len(shape) - 1; d >= 0; d-- {
		idx[d] = i % shape[d]
		i /= shape[d]
	}
	parts := make([]string, len(idx))
	for d, v := range idx {
		if len(shape) == 4 {
			parts[d] = fmt.Sprintf("%c=%d", "nchw"[d], v)
		} else {
			parts[d] = fmt.Sprint(v)
		}
	}
	return "[" + strings.Join(parts, " ") + "]"
}
