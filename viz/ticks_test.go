package viz

import (
	"math"
	"slices"
	"testing"
)

func TestNiceTicks(t *testing.T) {
	cases := []struct {
		lo, hi float64
		n      int
		factor float64
		want   []string
	}{
		{0, 1, 5, 100, []string{"0", "20", "40", "60", "80", "100"}},
		{0, 2.3, 5, 1, []string{"0.0", "0.5", "1.0", "1.5", "2.0"}},
		{0, 12345, 7, 1, []string{"0", "2k", "4k", "6k", "8k", "10k", "12k"}},
		{100, 100.5, 5, 1, []string{"100.0", "100.1", "100.2", "100.3", "100.4", "100.5"}},
		{1, 9, 4, 1, []string{"2", "4", "6", "8"}},
		{0, 700, 3, 1, []string{"0", "500"}},
		{-0.04, 0.05, 5, 1, []string{"-0.04", "-0.02", "0.00", "0.02", "0.04"}},
	}
	for _, tc := range cases {
		tk := niceTicks(tc.lo, tc.hi, tc.n)
		var got []string
		for k := tk.first; k <= tk.last; k++ {
			got = append(got, tk.label(k, tc.factor))
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("niceTicks(%v, %v, %d) labels %q, want %q", tc.lo, tc.hi, tc.n, got, tc.want)
		}
	}
}

// TestNiceTicksProperties checks, over many ranges, that the step is 1, 2 or 5 times a power of
// ten, at least (hi−lo)/n, and that every tick lies inside [lo, hi].
func TestNiceTicksProperties(t *testing.T) {
	rng := lcg(7)
	for i := 0; i < 2000; i++ {
		lo := float64(rng.next()-0.5) * math.Pow10(int(rng.next()*12)-6)
		hi := lo + float64(rng.next()+1e-3)*math.Pow10(int(rng.next()*12)-6)
		n := 1 + int(rng.next()*9)
		tk := niceTicks(lo, hi, n)
		m := tk.step / math.Pow10(tk.exp)
		if math.Abs(m-1) > 1e-9 && math.Abs(m-2) > 1e-9 && math.Abs(m-5) > 1e-9 {
			t.Fatalf("range [%g, %g] n=%d: step %g is %g·10^%d, want 1, 2 or 5", lo, hi, n, tk.step, m, tk.exp)
		}
		if tk.step < (hi-lo)/float64(n)*(1-1e-12) {
			t.Fatalf("range [%g, %g] n=%d: step %g below %g", lo, hi, n, tk.step, (hi-lo)/float64(n))
		}
		if tk.value(tk.first) < lo-1e-9*tk.step || tk.value(tk.last) > hi+1e-9*tk.step {
			t.Fatalf("range [%g, %g]: ticks %g..%g leave the range", lo, hi, tk.value(tk.first), tk.value(tk.last))
		}
	}
}
