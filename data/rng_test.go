package data

import (
	"math"
	"slices"
	"testing"
)

func TestPermutation(t *testing.T) {
	for _, n := range []int{0, 1, 2, 7, 1000} {
		p := permutation(1, 3, n)
		s := slices.Clone(p)
		slices.Sort(s)
		for i, v := range s {
			if v != i {
				t.Fatalf("n=%d: %v is not a permutation", n, p)
			}
		}
		if !slices.Equal(p, permutation(1, 3, n)) {
			t.Fatalf("n=%d: same (seed, epoch) gave different orders", n)
		}
	}
	if slices.Equal(permutation(1, 3, 50), permutation(1, 4, 50)) || slices.Equal(permutation(1, 3, 50), permutation(2, 3, 50)) {
		t.Fatal("different epochs or seeds gave the same order")
	}
}

func TestRNGDistributions(t *testing.T) {
	r := newRNG(7, streamAugment, 1, 2)
	const n = 200000
	counts := make([]int, 7)
	sum, sumSq, heads := 0.0, 0.0, 0
	for i := 0; i < n; i++ {
		counts[r.intn(7)]++
		z := r.normal()
		sum += z
		sumSq += z * z
		if r.bool() {
			heads++
		}
	}
	for v, c := range counts { // each of 7 values: n/7 ± 5σ, σ = sqrt(n·(1/7)·(6/7))
		if math.Abs(float64(c)-n/7.0) > 5*math.Sqrt(n/7.0*6/7) {
			t.Fatalf("intn(7) gave %d %d times of %d", v, c, n)
		}
	}
	mean, variance := sum/n, sumSq/n-(sum/n)*(sum/n)
	if math.Abs(mean) > 0.015 || math.Abs(variance-1) > 0.02 || math.Abs(float64(heads)-n/2) > 5*math.Sqrt(n/4.0) {
		t.Fatalf("normal mean %g variance %g, heads %d of %d", mean, variance, heads, n)
	}
	a, b := newRNG(7, streamAugment, 1, 2), newRNG(7, streamAugment, 2, 1)
	if a.next() == b.next() {
		t.Fatal("swapped counters gave the same stream")
	}
}
