package layers

import (
	"fmt"
	"math"
)

// LRN is local response normalisation across channels (paper §3.3) of x [N, C, H, W].
//
// Channel i is normalised over the window j in [max(0, i−Size/2), min(C−1, i+Size/2)] (integer
// division, so the window is symmetric; an even Size behaves as Size+1):
//
//	scale[n,i,h,w] = K + a · Σ_j x[n,j,h,w]²,   y = x · scale^(−Beta)
//
// where a = Alpha (the paper, AlphaOverN false) or Alpha/Size (Caffe and PyTorch, AlphaOverN true).
type LRN struct {
	N, C, H, W, Size int
	Alpha, Beta, K   float64
	AlphaOverN       bool
}

// PaperLRN is the paper's LRN for x [n, c, h, w]: Size 5, Alpha 1e-4, Beta 0.75, K 2, Alpha not divided by Size.
func PaperLRN(n, c, h, w int) LRN {
	return LRN{N: n, C: c, H: h, W: w, Size: 5, Alpha: 1e-4, Beta: 0.75, K: 2}
}

// EffAlpha is the coefficient a of the sum of squares: Alpha, or Alpha/Size when AlphaOverN.
func (p LRN) EffAlpha() float64 {
	if p.AlphaOverN {
		return p.Alpha / float64(p.Size)
	}
	return p.Alpha
}

// Validate reports the first invalid field: positive sizes, K > 0 and Alpha >= 0 so scale > 0.
func (p LRN) Validate() error {
	if err := positive("lrn", []string{"N", "C", "H", "W", "Size"}, p.N, p.C, p.H, p.W, p.Size); err != nil {
		return err
	}
	if !(p.K > 0) {
		return fmt.Errorf("lrn: K = %g, want > 0 (scale must stay positive)", p.K)
	}
	if !(p.Alpha >= 0) {
		return fmt.Errorf("lrn: Alpha = %g, want >= 0", p.Alpha)
	}
	if math.IsNaN(p.Beta) || math.IsInf(p.Beta, 0) {
		return fmt.Errorf("lrn: Beta = %g, want a finite number", p.Beta)
	}
	return nil
}

// LRNForward computes scale[n,i,h,w] = K + a·Σ_j x[n,j,h,w]² and y = x·scale^(−Beta).
// y and scale [N,C,H,W] are overwritten; scale is kept for LRNBackward; x [N,C,H,W].
func LRNForward[T Float](y, scale, x []T, p LRN) {
	const fn = "LRNForward"
	mustValid(fn, p.Validate())
	size := p.N * p.C * p.H * p.W
	mustLen(fn, "x", len(x), size)
	mustLen(fn, "y", len(y), size)
	mustLen(fn, "scale", len(scale), size)
	a, half, plane := T(p.EffAlpha()), p.Size/2, p.H*p.W
	for n := 0; n < p.N; n++ {
		for i := 0; i < p.C; i++ {
			lo, hi := max(0, i-half), min(p.C-1, i+half)
			for hw := 0; hw < plane; hw++ {
				var sum T
				for j := lo; j <= hi; j++ {
					v := x[(n*p.C+j)*plane+hw]
					sum += v * v
				}
				at := (n*p.C+i)*plane + hw
				s := T(p.K) + a*sum
				scale[at] = s
				y[at] = x[at] * T(math.Pow(float64(s), -p.Beta))
			}
		}
	}
}

// LRNBackward differentiates y_i = x_i·scale_i^(−β), scale_j = K + a·Σ_{m: |m−j|<=Size/2} x_m²:
//
//	dx_i = dy_i·scale_i^(−β) − 2·a·β·x_i · Σ_{j: |i−j|<=Size/2, 0<=j<C} dy_j·y_j/scale_j
//
// dx [N,C,H,W] is overwritten; dy, x, y and scale [N,C,H,W] as written by LRNForward.
func LRNBackward[T Float](dx, dy, x, y, scale []T, p LRN) {
	const fn = "LRNBackward"
	mustValid(fn, p.Validate())
	size := p.N * p.C * p.H * p.W
	mustLen(fn, "dx", len(dx), size)
	mustLen(fn, "dy", len(dy), size)
	mustLen(fn, "x", len(x), size)
	mustLen(fn, "y", len(y), size)
	mustLen(fn, "scale", len(scale), size)
	twoAB, half, plane := T(2*p.EffAlpha()*p.Beta), p.Size/2, p.H*p.W
	for n := 0; n < p.N; n++ {
		for i := 0; i < p.C; i++ {
			lo, hi := max(0, i-half), min(p.C-1, i+half)
			for hw := 0; hw < plane; hw++ {
				var sum T
				for j := lo; j <= hi; j++ {
					at := (n*p.C+j)*plane + hw
					sum += dy[at] * y[at] / scale[at]
				}
				at := (n*p.C+i)*plane + hw
				dx[at] = dy[at]*T(math.Pow(float64(scale[at]), -p.Beta)) - twoAB*x[at]*sum
			}
		}
	}
}
