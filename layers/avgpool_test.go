package layers

import "testing"

func TestAvgPoolByHand(t *testing.T) {
	// 5 → 3 as PyTorch: cells [0,2), [1,4), [3,5) overlap at inputs 1 and 3.
	p := AvgPool{N: 1, C: 1, H: 1, W: 5, OH: 1, OW: 3}
	y := nanVec(3)
	AvgPoolForward(y, []float64{1, 2, 3, 4, 5}, p)
	wantSlice(t, "5→3 y", y, []float64{1.5, 3, 4.5}, 1e-15)
	dx := nanVec(5)
	AvgPoolBackward(dx, []float64{1, 1, 1}, p)
	wantSlice(t, "5→3 dx", dx, []float64{0.5, 0.5 + 1.0/3, 1.0 / 3, 1.0/3 + 0.5, 0.5}, 1e-15)

	// 2×2 → 1×1 is the plain mean; 6×6 → 6×6 (AlexNet's 6×6 input) is the identity.
	p = AvgPool{N: 1, C: 2, H: 2, W: 2, OH: 1, OW: 1}
	y = nanVec(2)
	AvgPoolForward(y, []float64{1, 2, 3, 4, 10, 20, 30, 40}, p)
	wantSlice(t, "mean", y, []float64{2.5, 25}, 1e-15)
	x := randVec(36, 1)
	y = nanVec(36)
	AvgPoolForward(y, x, AvgPool{N: 1, C: 1, H: 6, W: 6, OH: 6, OW: 6})
	wantSlice(t, "identity", y, x, 0)
}

func TestAvgPoolGradients(t *testing.T) {
	for _, p := range []AvgPool{
		{N: 2, C: 2, H: 5, W: 7, OH: 3, OW: 3}, // overlapping cells both ways
		{N: 1, C: 3, H: 13, W: 13, OH: 6, OW: 6},
		{N: 1, C: 1, H: 2, W: 3, OH: 4, OW: 5}, // output larger than input: cells repeat inputs
	} {
		nx, ny := p.N*p.C*p.H*p.W, p.N*p.C*p.OH*p.OW
		x, r := randVec(nx, 1), randVec(ny, 2)
		y := make([]float64, ny)
		loss := func() float64 { AvgPoolForward(y, x, p); return dot(r, y) }
		dx := nanVec(nx)
		AvgPoolBackward(dx, r, p)
		gradCheck(t, "avgpool", x, dx, loss)
	}
}

func TestAvgPoolPanics(t *testing.T) {
	p := AvgPool{N: 1, C: 1, H: 2, W: 2, OH: 1, OW: 1}
	mustPanic(t, "short y", "len(y)", func() { AvgPoolForward(nil, make([]float64, 4), p) })
	mustPanic(t, "long dx", "len(dx)", func() { AvgPoolBackward(make([]float64, 5), make([]float64, 1), p) })
	mustPanic(t, "zero OW", "OW = 0", func() { AvgPoolForward[float64](nil, nil, AvgPool{N: 1, C: 1, H: 1, W: 1, OH: 1}) })
}
