package layers

import (
	"math"
	"strings"
	"testing"
)

func TestPaperLRN(t *testing.T) {
	p := PaperLRN(1, 96, 55, 55)
	// §3.3: k = 2, n = 5, α = 1e-4, β = 0.75, α not divided by n.
	if p.Size != 5 || p.Alpha != 1e-4 || p.Beta != 0.75 || p.K != 2 || p.AlphaOverN || p.EffAlpha() != 1e-4 {
		t.Errorf("PaperLRN = %+v, EffAlpha %g; want Size 5, Alpha 1e-4, Beta 0.75, K 2, paper α", p, p.EffAlpha())
	}
	p.AlphaOverN = true
	if p.EffAlpha() != 1e-4/5 {
		t.Errorf("EffAlpha with AlphaOverN = %g, want 2e-5", p.EffAlpha())
	}
	for _, tc := range []struct {
		edit  func(*LRN)
		field string
	}{
		{func(p *LRN) { p.Size = 0 }, "Size"},
		{func(p *LRN) { p.K = 0 }, "K"},
		{func(p *LRN) { p.Alpha = -1 }, "Alpha"},
		{func(p *LRN) { p.Beta = math.NaN() }, "Beta"},
	} {
		q := PaperLRN(1, 2, 3, 3)
		tc.edit(&q)
		if err := q.Validate(); err == nil || !strings.Contains(err.Error(), tc.field) {
			t.Errorf("Validate(%+v) = %v, want an error naming %s", q, err, tc.field)
		}
	}
}

func TestLRNByHand(t *testing.T) {
	// Two channels, one pixel: x = (1, 2), K = 2, α = 0.1, β = 0.5.
	x := []float64{1, 2}
	tests := []struct {
		name  string
		size  int
		overN bool
		scale []float64
	}{
		// Size 3: each channel's window [i−1, i+1] ∩ [0, 1] holds both: 2 + 0.1·(1+4) = 2.5.
		{"size 3 paper", 3, false, []float64{2.5, 2.5}},
		// Caffe/PyTorch: a = 0.1/3, scale = 2 + 5/30.
		{"size 3 over n", 3, true, []float64{2 + 5.0/30, 2 + 5.0/30}},
		// Size 1: the window is the channel itself: 2 + 0.1·1, 2 + 0.1·4.
		{"size 1", 1, false, []float64{2.1, 2.4}},
		// Size 2 behaves as 3 (Size/2 = 1, symmetric).
		{"size 2 symmetric", 2, false, []float64{2.5, 2.5}},
	}
	for _, tc := range tests {
		p := LRN{N: 1, C: 2, H: 1, W: 1, Size: tc.size, Alpha: 0.1, Beta: 0.5, K: 2, AlphaOverN: tc.overN}
		y, scale := nanVec(2), nanVec(2)
		LRNForward(y, scale, x, p)
		wantSlice(t, tc.name+" scale", scale, tc.scale, 1e-15)
		wantSlice(t, tc.name+" y", y, []float64{1 / math.Sqrt(tc.scale[0]), 2 / math.Sqrt(tc.scale[1])}, 1e-15)
	}
}

// TestLRNWindowEdges checks with 4 channels and Size 3 that channel 0 sees only 0..1 and
// channel 3 only 2..3 (x = 1, 10, 100, 1000 keeps the sums distinct).
func TestLRNWindowEdges(t *testing.T) {
	x := []float64{1, 10, 100, 1000}
	p := LRN{N: 1, C: 4, H: 1, W: 1, Size: 3, Alpha: 1, Beta: 1, K: 1}
	y, scale := nanVec(4), nanVec(4)
	LRNForward(y, scale, x, p)
	wantSlice(t, "scale", scale, []float64{1 + 1 + 100, 1 + 1 + 100 + 1e4, 1 + 100 + 1e4 + 1e6, 1 + 1e4 + 1e6}, 1e-15)
}

func TestLRNGradients(t *testing.T) {
	// α is large so the cross-channel term matters as much as the diagonal one.
	for _, tc := range []struct {
		name string
		p    LRN
	}{
		{"paper α, size 5", LRN{N: 2, C: 7, H: 2, W: 3, Size: 5, Alpha: 0.3, Beta: 0.75, K: 2}},
		{"α/n, size 5", LRN{N: 2, C: 7, H: 2, W: 3, Size: 5, Alpha: 0.3, Beta: 0.75, K: 2, AlphaOverN: true}},
		{"α/n, size 3, K 1", LRN{N: 1, C: 4, H: 3, W: 1, Size: 3, Alpha: 1, Beta: 0.5, K: 1, AlphaOverN: true}},
		{"size 4 (symmetric as 5)", LRN{N: 1, C: 6, H: 2, W: 2, Size: 4, Alpha: 0.5, Beta: 1.2, K: 1.5}},
	} {
		p := tc.p
		n := p.N * p.C * p.H * p.W
		x, r := randVec(n, 1), randVec(n, 2)
		y, scale := make([]float64, n), make([]float64, n)
		loss := func() float64 { LRNForward(y, scale, x, p); return dot(r, y) }
		loss()
		dx := nanVec(n)
		LRNBackward(dx, r, x, y, scale, p)
		gradCheck(t, tc.name, x, dx, loss)
	}
}

func TestLRNPanics(t *testing.T) {
	p := PaperLRN(1, 2, 2, 2)
	a, b := make([]float64, 8), make([]float64, 7)
	mustPanic(t, "forward y", "len(y)", func() { LRNForward(b, a, a, p) })
	mustPanic(t, "forward scale", "len(scale)", func() { LRNForward(a, b, a, p) })
	mustPanic(t, "backward scale", "len(scale)", func() { LRNBackward(a, a, a, a, b, p) })
	p.K = -1
	mustPanic(t, "bad K", "K = -1", func() { LRNForward(a, a, a, p) })
}
