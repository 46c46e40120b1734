package layers

import (
	"math"
	"slices"
	"testing"
)

func TestSoftmaxCEByHand(t *testing.T) {
	// k = 2: z = (0, 0), label 0: loss = ln 2, dz = (0.5−1, 0.5)·gs.
	// k = 3: z = ln(1, 2, 3), softmax = (1, 2, 3)/6, label 2: loss = −ln(1/2) = ln 2,
	// dz = (1/6, 2/6, 3/6 − 1)·gs.
	const gs = 0.25
	loss, dz := nanVec(1), nanVec(2)
	SoftmaxCE(dz, loss, []float64{0, 0}, []int32{0}, 1, 2, gs)
	wantSlice(t, "loss k=2", loss, []float64{math.Ln2}, 1e-15)
	wantSlice(t, "dz k=2", dz, []float64{-0.5 * gs, 0.5 * gs}, 1e-15)

	dz = nanVec(3)
	SoftmaxCE(dz, loss, []float64{0, math.Ln2, math.Log(3)}, []int32{2}, 1, 3, gs)
	wantSlice(t, "loss k=3", loss, []float64{math.Ln2}, 1e-15)
	wantSlice(t, "dz k=3", dz, []float64{gs / 6, gs / 3, -gs / 2}, 1e-15)

	SoftmaxCE(nil, loss, []float64{0, 0}, []int32{1}, 1, 2, gs) // dz == nil: loss only
	wantSlice(t, "loss without dz", loss, []float64{math.Ln2}, 1e-15)
}

// TestSoftmaxCEStable feeds logits whose naive exp overflows in both float32 and float64.
func TestSoftmaxCEStable(t *testing.T) {
	z := []float64{1000, 0, -1000}
	loss, dz := nanVec(1), nanVec(3)
	SoftmaxCE(dz, loss, z, []int32{1}, 1, 3, 1)
	wantSlice(t, "loss", loss, []float64{1000}, 1e-15)
	wantSlice(t, "dz", dz, []float64{1, -1, 0}, 1e-15)

	loss32, dz32 := make([]float32, 1), make([]float32, 3)
	SoftmaxCE(dz32, loss32, toF32(z), []int32{0}, 1, 3, 1)
	if loss32[0] != 0 || dz32[0] != 0 || dz32[1] != 0 || dz32[2] != 0 {
		t.Errorf("float32: loss %v dz %v, want 0 and zeros", loss32, dz32)
	}
}

func TestSoftmaxCEGradient(t *testing.T) {
	const n, k = 4, 7
	z := randVec(n*k, 1)
	for i := range z {
		z[i] *= 5 // spread the logits so the probabilities are far from uniform
	}
	labels := []int32{0, 6, 3, 3}
	const gs = 1.0 / n
	loss := make([]float64, n)
	total := func() float64 {
		SoftmaxCE(nil, loss, z, labels, n, k, gs)
		var s float64
		for _, l := range loss {
			s += gs * l
		}
		return s
	}
	dz := nanVec(n * k)
	SoftmaxCE(dz, loss, z, labels, n, k, gs)
	gradCheck(t, "softmaxce dz", z, dz, total)

	// Softmax agrees: probabilities sum to 1 and p[label] = exp(−loss).
	total() // gradCheck left loss at the last nudged z
	p := nanVec(n * k)
	Softmax(p, z, n, k)
	for i := 0; i < n; i++ {
		var sum float64
		for _, v := range p[i*k : (i+1)*k] {
			sum += v
		}
		if !near(sum, 1, 1e-14) || !near(p[i*k+int(labels[i])], math.Exp(-loss[i]), 1e-14) {
			t.Errorf("row %d: Σp = %g, p[label] = %g, exp(−loss) = %g", i, sum, p[i*k+int(labels[i])], math.Exp(-loss[i]))
		}
	}
}

func TestTopKCorrectByHand(t *testing.T) {
	// z = (1, 3, 2, 3) in every row. Label 3 ties with class 1, which comes first: rank 1.
	// Label 1: rank 0. Label 0: three classes above it: rank 3.
	z := []float64{1, 3, 2, 3, 1, 3, 2, 3, 1, 3, 2, 3}
	labels := []int32{3, 1, 0}
	for topk, want := range map[int]int{1: 1, 2: 2, 3: 2, 4: 3, 10: 3} {
		if got := TopKCorrect(z, labels, 3, 4, topk); got != want {
			t.Errorf("top-%d = %d, want %d", topk, got, want)
		}
	}
}

// TestTopKCorrectMatchesStableSort compares the rank rule with sorting class indices by
// descending logit (stable, so ties keep the lower index first) on logits with many ties.
func TestTopKCorrectMatchesStableSort(t *testing.T) {
	const n, k = 200, 10
	z := randVec(n*k, 3)
	for i := range z {
		z[i] = math.Round(z[i] * 3) // 7 distinct values: plenty of ties
	}
	labels := make([]int32, n)
	for i, v := range randVec(n, 4) {
		labels[i] = int32((v + 1) / 2 * k)
	}
	for _, topk := range []int{1, 3, 5} {
		want := 0
		for i := 0; i < n; i++ {
			order := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
			row := z[i*k : (i+1)*k]
			slices.SortStableFunc(order, func(a, b int) int {
				switch {
				case row[a] > row[b]:
					return -1
				case row[a] < row[b]:
					return 1
				}
				return 0
			})
			if slices.Index(order, int(labels[i])) < topk {
				want++
			}
		}
		if got := TopKCorrect(z, labels, n, k, topk); got != want {
			t.Errorf("top-%d = %d, stable sort says %d", topk, got, want)
		}
	}
}

func TestSoftmaxCEPanics(t *testing.T) {
	z, loss, dz := make([]float64, 6), make([]float64, 2), make([]float64, 6)
	mustPanic(t, "label too big", "labels[1] = 3", func() { SoftmaxCE(dz, loss, z, []int32{0, 3}, 2, 3, 1) })
	mustPanic(t, "negative label", "labels[0] = -1", func() { TopKCorrect(z, []int32{-1, 0}, 2, 3, 1) })
	mustPanic(t, "short loss", "len(loss)", func() { SoftmaxCE(dz, loss[1:], z, []int32{0, 0}, 2, 3, 1) })
	mustPanic(t, "short dz", "len(dz)", func() { SoftmaxCE(dz[1:], loss, z, []int32{0, 0}, 2, 3, 1) })
	mustPanic(t, "topk 0", "topk = 0", func() { TopKCorrect(z, []int32{0, 0}, 2, 3, 0) })
	mustPanic(t, "softmax length", "len(p)", func() { Softmax(z[1:], z, 2, 3) })
}
