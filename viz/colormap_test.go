package viz

import (
	"math"
	"testing"
)

func TestViridisEndsAndMarker(t *testing.T) {
	first, last := viridisAnchors[0], viridisAnchors[8]
	cases := []struct {
		t    float64
		want [3]int
	}{{0, first}, {-5, first}, {1, last}, {7, last}}
	for _, tc := range cases {
		c := Viridis(tc.t)
		if got := [3]int{int(c.R), int(c.G), int(c.B)}; got != tc.want {
			t.Errorf("Viridis(%v) = %v, want %v", tc.t, got, tc.want)
		}
	}
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if Viridis(v) != nanColor {
			t.Errorf("Viridis(%v) = %v, want the magenta marker", v, Viridis(v))
		}
	}
}

// TestViridisPerceptualOrder checks the two properties that make the map readable: luminance
// rises monotonically (up to one unit of blue, 722, lost to rounding), and no entry is near the magenta marker.
func TestViridisPerceptualOrder(t *testing.T) {
	lum := func(i int) int {
		c := viridisLUT[i]
		return 2126*int(c.R) + 7152*int(c.G) + 722*int(c.B)
	}
	for i := 1; i < 256; i++ {
		if lum(i) < lum(i-1)-722 {
			t.Errorf("luminance falls from entry %d to %d: %v → %v", i-1, i, viridisLUT[i-1], viridisLUT[i])
		}
		c := viridisLUT[i]
		if d := abs(int(c.R)-255) + int(c.G) + abs(int(c.B)-255); d < 200 {
			t.Errorf("entry %d %v is within %d of magenta", i, c, d)
		}
	}
}

func abs(x int) int { return max(x, -x) }
