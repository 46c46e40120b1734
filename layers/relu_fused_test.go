package layers

import "testing"

// reluOf returns max(0, z) elementwise, a fresh slice.
func reluOf(z []float64) []float64 {
	r := make([]float64, len(z))
	ReLUForward(r, z)
	return r
}

// TestMaxPoolReLUGradients checks the fused backward against finite differences of
// L(z) = r·maxpool(relu(z)), and against MaxPoolBackward followed by ReLUBackward (exactly).
func TestMaxPoolReLUGradients(t *testing.T) {
	for _, p := range []MaxPool{
		{N: 2, C: 3, H: 7, W: 7, Size: 3, Stride: 2},
		{N: 1, C: 2, H: 6, W: 5, Size: 3, Stride: 2, Pad: 1},
		{N: 1, C: 1, H: 5, W: 6, Size: 2, Stride: 3},
	} {
		nx, ny := p.N*p.C*p.H*p.W, p.N*p.C*p.OutH()*p.OutW()
		// Distinct values, none within fdStep of the ReLU's kink at 0; about half negative, so
		// whole windows are zero after the ReLU and their first element wins with y = 0.
		z, r := distinctVec(nx, 3), randVec(ny, 4)
		for i := range z {
			z[i] += 0.25 / float64(nx)
		}
		y, arg := make([]float64, ny), make([]int32, ny)
		loss := func() float64 { MaxPoolForward(y, arg, reluOf(z), p); return dot(r, y) }
		loss()
		dz := nanVec(nx)
		MaxPoolReLUBackward(dz, r, y, arg, p)
		gradCheck(t, "maxpool∘relu", z, dz, loss)

		x := reluOf(z)
		MaxPoolForward(y, arg, x, p)
		want := nanVec(nx)
		MaxPoolBackward(want, r, arg, p)
		ReLUBackward(want, want, x)
		MaxPoolReLUBackward(dz, r, y, arg, p)
		wantSlice(t, "maxpool∘relu against the two passes", dz, want, 0)
	}
}

// TestLRNReLUGradients checks the fused backward against finite differences of
// L(z) = r·lrn(relu(z)), and against LRNBackward followed by ReLUBackward (exactly).
func TestLRNReLUGradients(t *testing.T) {
	for _, p := range []LRN{
		{N: 2, C: 7, H: 2, W: 3, Size: 5, Alpha: 0.3, Beta: 0.75, K: 2},
		{N: 1, C: 4, H: 3, W: 1, Size: 3, Alpha: 1, Beta: 0.5, K: 1, AlphaOverN: true},
	} {
		n := p.N * p.C * p.H * p.W
		z, r := randVec(n, 5), randVec(n, 6)
		y, scale := make([]float64, n), make([]float64, n)
		loss := func() float64 { LRNForward(y, scale, reluOf(z), p); return dot(r, y) }
		loss()
		dz := nanVec(n)
		LRNReLUBackward(dz, r, reluOf(z), y, scale, p)
		gradCheck(t, "lrn∘relu", z, dz, loss)

		loss() // y and scale at z itself (gradCheck leaves them nudged)
		x := reluOf(z)
		want := nanVec(n)
		LRNBackward(want, r, x, y, scale, p)
		ReLUBackward(want, want, x)
		wantSlice(t, "lrn∘relu against the two passes", dz, want, 0)
	}
}

func TestReLUFusedPanics(t *testing.T) {
	p := MaxPool{N: 1, C: 1, H: 2, W: 2, Size: 2, Stride: 1}
	x, y, arg := make([]float64, 4), make([]float64, 1), make([]int32, 1)
	mustPanic(t, "short y", "len(y)", func() { MaxPoolReLUBackward(x, y, y[:0], arg, p) })
	q := PaperLRN(1, 2, 2, 2)
	a, b := make([]float64, 8), make([]float64, 7)
	mustPanic(t, "lrn short scale", "len(scale)", func() { LRNReLUBackward(a, a, a, a, b, q) })
}
