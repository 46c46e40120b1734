package layers

import "testing"

func TestSGDByHand(t *testing.T) {
	// w = 1, v = 0, g = 0.5, lr = 0.1, mu = 0.9, wd = 0.01.
	// Step 1: v = −0.01·0.1·1 − 0.1·0.5 = −0.051, w = 0.949.
	// Step 2: v = 0.9·(−0.051) − 0.001·0.949 − 0.05 = −0.096849, w = 0.852151.
	w, v, g := []float64{1}, []float64{0}, []float64{0.5}
	SGD(w, v, g, 0.1, 0.9, 0.01)
	wantSlice(t, "v1", v, []float64{-0.051}, 1e-15)
	wantSlice(t, "w1", w, []float64{0.949}, 1e-15)
	SGD(w, v, g, 0.1, 0.9, 0.01)
	wantSlice(t, "v2", v, []float64{-0.096849}, 1e-15)
	wantSlice(t, "w2", w, []float64{0.852151}, 1e-15)
}

// TestSGDFirstStepIsPyTorch checks that from zero momentum the paper's rule equals PyTorch's
// folding w − lr·(g + wd·w) (ANCHORS.md), with the paper's mu and wd, in float32 and float64.
func TestSGDFirstStepIsPyTorch(t *testing.T) {
	const lr, mu, wd = 0.01, 0.9, 0.0005
	w0, g := randVec(50, 1), randVec(50, 2)
	w, v := append([]float64(nil), w0...), make([]float64, 50)
	SGD(w, v, g, lr, mu, wd)
	want := make([]float64, 50)
	for i := range want {
		want[i] = w0[i] - lr*(g[i]+wd*w0[i])
	}
	wantSlice(t, "float64 step", w, want, 1e-15)

	w32, v32 := toF32(w0), make([]float32, 50)
	SGD(w32, v32, toF32(g), lr, mu, wd)
	for i := range w32 {
		if !near(float64(w32[i]), want[i], 1e-6) { // float32 rounding of w ≈ 6e-8·|w|
			t.Fatalf("float32 step [%d] = %g, want %g", i, w32[i], want[i])
		}
	}
}

func TestSGDPanics(t *testing.T) {
	a, b := make([]float64, 3), make([]float64, 2)
	mustPanic(t, "short v", "len(v)", func() { SGD(a, b, a, 1, 0, 0) })
	mustPanic(t, "short g", "len(g)", func() { SGD(a, a, b, 1, 0, 0) })
}
