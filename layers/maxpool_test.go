package layers

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestMaxPoolValidate(t *testing.T) {
	for _, tc := range []struct {
		p     MaxPool
		field string
	}{
		{MaxPool{N: 1, C: 96, H: 55, W: 55, Size: 3, Stride: 2}, ""},
		{MaxPool{N: 1, C: 1, H: 4, W: 4, Size: 3, Stride: 1, Pad: 1}, ""},
		{MaxPool{N: 1, C: 1, H: 4, W: 4, Size: 3, Stride: 0}, "Stride"},
		{MaxPool{N: 1, C: 1, H: 4, W: 4, Size: 3, Stride: 1, Pad: 2}, "Pad"},
		{MaxPool{N: 1, C: 1, H: 2, W: 4, Size: 3, Stride: 1}, "height"},
		{MaxPool{N: 1, C: 1, H: 4, W: 2, Size: 3, Stride: 1}, "width"},
	} {
		err := tc.p.Validate()
		if (tc.field == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.field)) {
			t.Errorf("Validate(%+v) = %v, want error naming %q", tc.p, err, tc.field)
		}
	}
	// The paper's overlapping pools (§3.4): 55 → 27 → 13 → 6.
	for _, s := range [][2]int{{55, 27}, {27, 13}, {13, 6}} {
		p := MaxPool{N: 1, C: 1, H: s[0], W: s[0], Size: 3, Stride: 2}
		if p.OutH() != s[1] || p.OutW() != s[1] {
			t.Errorf("pool 3/2 of %d = %d×%d, want %d", s[0], p.OutH(), p.OutW(), s[1])
		}
	}
}

func TestMaxPoolByHand(t *testing.T) {
	tests := []struct {
		name string
		p    MaxPool
		x    []float64
		y    []float64
		arg  []int32
	}{
		{"all tied: first wins", MaxPool{N: 1, C: 1, H: 2, W: 2, Size: 2, Stride: 1}, []float64{3, 3, 3, 3}, []float64{3}, []int32{0}},
		{"tie later in the scan: first wins", MaxPool{N: 1, C: 1, H: 2, W: 2, Size: 2, Stride: 1}, []float64{1, 5, 5, 2}, []float64{5}, []int32{1}},
		// Overlapping 2×2 windows with stride 1 over a 2×3 plane.
		{"overlap", MaxPool{N: 1, C: 1, H: 2, W: 3, Size: 2, Stride: 1}, []float64{1, 9, 2, 3, 4, 8}, []float64{9, 9}, []int32{1, 1}},
		// All negative with pad 1: the zero padding must never win.
		{"padding never wins", MaxPool{N: 1, C: 1, H: 2, W: 2, Size: 2, Stride: 2, Pad: 1},
			[]float64{-4, -3, -2, -1}, []float64{-4, -3, -2, -1}, []int32{0, 1, 2, 3}},
		// Two planes: arg is relative to each plane.
		{"two planes", MaxPool{N: 1, C: 2, H: 1, W: 2, Size: 1, Stride: 2}, []float64{7, 8, 6, 5}, []float64{7, 6}, []int32{0, 0}},
	}
	for _, tc := range tests {
		y, arg := nanVec(len(tc.y)), make([]int32, len(tc.arg))
		for i := range arg {
			arg[i] = -7
		}
		MaxPoolForward(y, arg, tc.x, tc.p)
		wantSlice(t, tc.name+" y", y, tc.y, 0)
		for i := range arg {
			if arg[i] != tc.arg[i] {
				t.Errorf("%s: arg = %v, want %v", tc.name, arg, tc.arg)
				break
			}
		}
	}
	// Backward of the overlap case: both windows route to element 1, so dx[1] = 2 + 3.
	p := MaxPool{N: 1, C: 1, H: 2, W: 3, Size: 2, Stride: 1}
	dx := nanVec(6)
	MaxPoolBackward(dx, []float64{2, 3}, []int32{1, 1}, p)
	wantSlice(t, "overlap dx", dx, []float64{0, 5, 0, 0, 0, 0}, 0)
}

// distinctVec returns n values spaced 1/n apart in a random order, so every window has a clear
// winner: a nudge of fdStep cannot change the argmax.
func distinctVec(n int, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 2))
	v := make([]float64, n)
	for i, j := range r.Perm(n) {
		v[i] = float64(j)/float64(n) - 0.5
	}
	return v
}

func TestMaxPoolGradients(t *testing.T) {
	for _, p := range []MaxPool{
		{N: 2, C: 3, H: 7, W: 7, Size: 3, Stride: 2},         // overlapping, as the paper
		{N: 1, C: 2, H: 6, W: 5, Size: 3, Stride: 2, Pad: 1}, // padded
		{N: 1, C: 1, H: 5, W: 6, Size: 2, Stride: 3},         // gaps between windows
	} {
		nx, ny := p.N*p.C*p.H*p.W, p.N*p.C*p.OutH()*p.OutW()
		x, r := distinctVec(nx, 1), randVec(ny, 2)
		y, arg := make([]float64, ny), make([]int32, ny)
		loss := func() float64 { MaxPoolForward(y, arg, x, p); return dot(r, y) }
		loss()
		dx := nanVec(nx)
		MaxPoolBackward(dx, r, arg, p)
		gradCheck(t, "maxpool", x, dx, loss)
	}
}

func TestMaxPoolPanics(t *testing.T) {
	p := MaxPool{N: 1, C: 1, H: 2, W: 2, Size: 2, Stride: 1}
	x, y, arg := make([]float64, 4), make([]float64, 1), make([]int32, 1)
	mustPanic(t, "short x", "len(x)", func() { MaxPoolForward(y, arg, x[1:], p) })
	mustPanic(t, "long arg", "len(arg)", func() { MaxPoolForward(y, make([]int32, 2), x, p) })
	mustPanic(t, "short dx", "len(dx)", func() { MaxPoolBackward(x[1:], y, arg, p) })
	mustPanic(t, "arg out of plane", "arg[0] = 4", func() { MaxPoolBackward(x, y, []int32{4}, p) })
}
