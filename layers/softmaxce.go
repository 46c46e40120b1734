package layers

import (
	"fmt"
	"math"
)

// checkLogits panics unless z holds n·k logits and labels n labels, each in [0, k).
func checkLogits[T Float](fn string, z []T, labels []int32, n, k int) {
	if n <= 0 || k <= 0 {
		panic(fmt.Sprintf("layers: %s: n = %d, k = %d, want both > 0", fn, n, k))
	}
	mustLen(fn, "z", len(z), n*k)
	mustLen(fn, "labels", len(labels), n)
	for i, l := range labels {
		if l < 0 || int(l) >= k {
			panic(fmt.Sprintf("layers: %s: labels[%d] = %d, want 0..%d", fn, i, l, k-1))
		}
	}
}

// logSumExp is the stable m + log Σ_j exp(z_j − m) of one row, m = max_j z_j.
func logSumExp[T Float](row []T) T {
	m := row[0]
	for _, v := range row[1:] {
		m = max(m, v)
	}
	var sum T
	for _, v := range row {
		sum += T(math.Exp(float64(v - m)))
	}
	return m + T(math.Log(float64(sum)))
}

// SoftmaxCE is softmax and cross-entropy fused and stable, for logits z [n, k] and labels [n]:
//
//	lse      = m + log Σ_j exp(z[n,j] − m),   m = max_j z[n,j]
//	loss[n]  = lse − z[n, label[n]]
//	dz[n,j]  = (exp(z[n,j] − lse) − [j == label[n]]) · gradScale
//
// so dz is the gradient of gradScale·Σ_n loss[n]; pass gradScale = 1/batch for a batch mean.
// loss [n] and dz [n,k] are overwritten; dz may be nil to skip the gradient. A label outside
// [0, k) panics: the data layer validates labels, so one here is a programmer error.
func SoftmaxCE[T Float](dz, loss []T, z []T, labels []int32, n, k int, gradScale T) {
	const fn = "SoftmaxCE"
	checkLogits(fn, z, labels, n, k)
	mustLen(fn, "loss", len(loss), n)
	if dz != nil {
		mustLen(fn, "dz", len(dz), n*k)
	}
	for i := 0; i < n; i++ {
		row, label := z[i*k:(i+1)*k], int(labels[i])
		lse := logSumExp(row)
		loss[i] = lse - row[label]
		if dz == nil {
			continue
		}
		for j, v := range row {
			g := T(math.Exp(float64(v - lse)))
			if j == label {
				g--
			}
			dz[i*k+j] = g * gradScale
		}
	}
}

// Softmax writes the probabilities p[n,j] = exp(z[n,j] − lse_n) of logits z [n, k]; p is overwritten.
func Softmax[T Float](p, z []T, n, k int) {
	if n <= 0 || k <= 0 {
		panic(fmt.Sprintf("layers: Softmax: n = %d, k = %d, want both > 0", n, k))
	}
	mustLen("Softmax", "z", len(z), n*k)
	mustLen("Softmax", "p", len(p), n*k)
	for i := 0; i < n; i++ {
		row := z[i*k : (i+1)*k]
		lse := logSumExp(row)
		for j, v := range row {
			p[i*k+j] = T(math.Exp(float64(v - lse)))
		}
	}
}

// TopKCorrect counts the samples of z [n, k] whose label ranks below topk, where
//
//	rank = #{j : z_j > z_label} + #{j < label : z_j == z_label}
//
// so ties are broken towards the lower class index, the same order a stable sort gives.
func TopKCorrect[T Float](z []T, labels []int32, n, k, topk int) int {
	const fn = "TopKCorrect"
	checkLogits(fn, z, labels, n, k)
	if topk <= 0 {
		panic(fmt.Sprintf("layers: %s: topk = %d, want > 0", fn, topk))
	}
	correct := 0
	for i := 0; i < n; i++ {
		row, label := z[i*k:(i+1)*k], int(labels[i])
		zl, rank := row[label], 0
		for j, v := range row {
			if v > zl || (j < label && v == zl) {
				rank++
			}
		}
		if rank < topk {
			correct++
		}
	}
	return correct
}
