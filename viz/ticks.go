package viz

import (
	"math"
	"strconv"
)

// axisTicks is a set of evenly spaced "nice" tick values k·step for first ≤ k ≤ last.
type axisTicks struct {
	step        float64
	exp         int // step = m·10^exp with m in {1, 2, 5}
	first, last int
}

// niceTicks chooses about n ticks covering [lo, hi] with a step of 1, 2 or 5 times a power of
// ten (the smallest such step ≥ (hi−lo)/n). The power of ten is found by comparing with the exact
// table of math.Pow10 rather than by log10, whose last bit differs between architectures.
func niceTicks(lo, hi float64, n int) axisTicks {
	n = max(n, 1)
	raw := (hi - lo) / float64(n)
	if !(raw > 0) || math.IsInf(raw, 0) {
		raw = 1
	}
	e := 0
	for e < 300 && math.Pow10(e+1) <= raw {
		e++
	}
	for e > -300 && math.Pow10(e) > raw {
		e--
	}
	step := math.Pow10(e)
	for _, m := range []float64{2, 5, 10} {
		if step >= raw {
			break
		}
		step = m * math.Pow10(e)
		if m == 10 {
			e++
		}
	}
	return axisTicks{
		step:  step,
		exp:   e,
		first: int(math.Ceil(lo / step)),
		last:  int(math.Floor(hi / step)),
	}
}

// value returns tick k's value, k·step, computed by multiplication so no error accumulates.
func (t axisTicks) value(k int) float64 { return float64(k) * t.step }

// label formats tick k with just enough decimals for the step; multiples of 1000 at steps of
// 1000 or more are shortened with a "k" suffix (20000 → "20k") so labels stay narrow.
func (t axisTicks) label(k int, factor float64) string {
	v := t.value(k) * factor
	exp := t.exp
	if factor == 100 {
		exp += 2
	}
	if exp >= 3 && v != 0 {
		return strconv.FormatFloat(v/1000, 'f', 0, 64) + "k"
	}
	return strconv.FormatFloat(v, 'f', max(0, -exp), 64)
}
