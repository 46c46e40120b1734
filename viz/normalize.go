package viz

import "strconv"

// finiteRange returns the minimum and maximum of the finite values of v; ok is false when v has
// none (empty, or all NaN/±Inf).
func finiteRange(v []float32) (lo, hi float32, ok bool) {
	for _, x := range v {
		if !isFinite(x) {
			continue
		}
		if !ok {
			lo, hi, ok = x, x, true
			continue
		}
		lo, hi = min(lo, x), max(hi, x)
	}
	return lo, hi, ok
}

// isFinite reports whether x is neither NaN nor ±Inf: x − x is 0 for finite x and NaN otherwise.
func isFinite(x float32) bool { return x-x == 0 }

// unit maps x from [lo, hi] to t = (x − lo)/(hi − lo) in [0, 1], computed in float64 so that
// extreme float32 ranges cannot overflow; a constant range (hi == lo) gives 0.5.
func unit(x, lo, hi float32) float64 {
	if hi == lo {
		return 0.5
	}
	return (float64(x) - float64(lo)) / (float64(hi) - float64(lo))
}

// itoa is strconv.Itoa, short because captions use it a lot.
func itoa(i int) string { return strconv.Itoa(i) }
