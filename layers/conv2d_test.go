package layers

import (
	"math"
	"strings"
	"testing"

	"github.com/alexnet-vk/alexnet/layers/layerstest"
)

func TestConv2DValidate(t *testing.T) {
	ok := Conv2D{N: 1, C: 4, H: 5, W: 5, K: 6, R: 3, S: 3, Stride: 1, Pad: 1, Groups: 2}
	tests := []struct {
		name  string
		edit  func(*Conv2D)
		field string // substring the error must name; "" means valid
	}{
		{"valid", func(*Conv2D) {}, ""},
		{"N", func(p *Conv2D) { p.N = 0 }, "N = 0"},
		{"Stride", func(p *Conv2D) { p.Stride = 0 }, "Stride = 0"},
		{"Groups", func(p *Conv2D) { p.Groups = -1 }, "Groups = -1"},
		{"Pad", func(p *Conv2D) { p.Pad = -1 }, "Pad = -1"},
		{"C%Groups", func(p *Conv2D) { p.C = 5 }, "C = 5"},
		{"K%Groups", func(p *Conv2D) { p.K = 7 }, "K = 7"},
		{"R too tall", func(p *Conv2D) { p.R = 8 }, "R = 8"},
		{"S too wide", func(p *Conv2D) { p.S = 8 }, "S = 8"},
		{"kernel equals padded input", func(p *Conv2D) { p.R, p.S = 7, 7 }, ""},
	}
	for _, tc := range tests {
		p := ok
		tc.edit(&p)
		err := p.Validate()
		switch {
		case tc.field == "" && err != nil:
			t.Errorf("%s: unexpected error %v", tc.name, err)
		case tc.field != "" && (err == nil || !strings.Contains(err.Error(), tc.field)):
			t.Errorf("%s: error %v, want one naming %q", tc.name, err, tc.field)
		}
	}
}

// TestAlexNetShapesAndCost checks output sizes and the forward cost against the paper's network
// (ANCHORS.md: conv1 55×55, pools to 27, 13, 6; about 0.72 G multiply-adds per image).
func TestAlexNetShapesAndCost(t *testing.T) {
	convs := []struct {
		p    Conv2D
		outH int
	}{
		{Conv2D{N: 1, C: 3, H: 227, W: 227, K: 96, R: 11, S: 11, Stride: 4, Groups: 1}, 55},
		{Conv2D{N: 1, C: 96, H: 27, W: 27, K: 256, R: 5, S: 5, Stride: 1, Pad: 2, Groups: 2}, 27},
		{Conv2D{N: 1, C: 256, H: 13, W: 13, K: 384, R: 3, S: 3, Stride: 1, Pad: 1, Groups: 1}, 13},
		{Conv2D{N: 1, C: 384, H: 13, W: 13, K: 384, R: 3, S: 3, Stride: 1, Pad: 1, Groups: 2}, 13},
		{Conv2D{N: 1, C: 384, H: 13, W: 13, K: 256, R: 3, S: 3, Stride: 1, Pad: 1, Groups: 2}, 13},
	}
	var flops int64
	for i, c := range convs {
		if err := c.p.Validate(); err != nil {
			t.Fatalf("conv%d: %v", i+1, err)
		}
		if c.p.OutH() != c.outH || c.p.OutW() != c.outH {
			t.Errorf("conv%d: out %d×%d, want %d×%d", i+1, c.p.OutH(), c.p.OutW(), c.outH, c.outH)
		}
		flops += c.p.FLOPs()
	}
	for _, l := range []Linear{{1, 9216, 4096}, {1, 4096, 4096}, {1, 4096, 1000}} {
		flops += l.FLOPs()
	}
	if macs := float64(flops) / 2; macs < 0.715e9 || macs > 0.73e9 {
		t.Errorf("AlexNet forward = %.4g multiply-adds per image, want about 0.72e9", macs)
	}
}

func TestConv2DForwardByHand(t *testing.T) {
	// x = 1..9 in a 3×3 plane, w = [[1 2] [3 4]], b = 0.5.
	x := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9}
	w := []float64{1, 2, 3, 4}
	b := []float64{0.5}
	tests := []struct {
		name string
		p    Conv2D
		want []float64
	}{
		// y00 = 1·1+2·2+4·3+5·4 = 37, y01 = 2+6+15+24 = 47, y10 = 4+10+21+32 = 67, y11 = 5+12+24+36 = 77.
		{"stride 1 pad 0", Conv2D{N: 1, C: 1, H: 3, W: 3, K: 1, R: 2, S: 2, Stride: 1, Groups: 1},
			[]float64{37.5, 47.5, 67.5, 77.5}},
		// OH = (3+2−2)/2+1 = 2. y00 sees only x00·w11 = 4; y01 = x01·w10 + x02·w11 = 6+12;
		// y10 = x10·w01 + x20·w11 = 8+28; y11 = x11·w00+x12·w01+x21·w10+x22·w11 = 77.
		{"stride 2 pad 1", Conv2D{N: 1, C: 1, H: 3, W: 3, K: 1, R: 2, S: 2, Stride: 2, Pad: 1, Groups: 1},
			[]float64{4.5, 18.5, 36.5, 77.5}},
	}
	for _, tc := range tests {
		y := nanVec(len(tc.want))
		Conv2DForward(y, x, w, b, tc.p)
		wantSlice(t, tc.name, y, tc.want, 1e-15)
	}
}

// convCases are the geometries exercised by the gradient and float32 tests.
var convCases = []struct {
	name string
	p    Conv2D
}{
	{"groups 2, stride 2, pad 1, R≠S", Conv2D{N: 2, C: 4, H: 7, W: 6, K: 6, R: 3, S: 2, Stride: 2, Pad: 1, Groups: 2}},
	{"dense, stride 1, pad 0", Conv2D{N: 1, C: 3, H: 5, W: 5, K: 2, R: 3, S: 3, Stride: 1, Groups: 1}},
	{"groups 3, stride 3, pad 2, kernel not covering the stride", Conv2D{N: 1, C: 3, H: 8, W: 7, K: 3, R: 2, S: 2, Stride: 3, Pad: 2, Groups: 3}},
	{"1×1 kernel, padding only", Conv2D{N: 2, C: 2, H: 3, W: 4, K: 3, R: 1, S: 1, Stride: 1, Pad: 1, Groups: 1}},
}

// convSizes are the element counts of x, w, b and y of p.
func convSizes(p Conv2D) (nx, nw, nb, ny int) {
	return p.N * p.C * p.H * p.W, p.K * (p.C / p.Groups) * p.R * p.S, p.K, p.N * p.K * p.OutH() * p.OutW()
}

func TestConv2DGradients(t *testing.T) {
	for ci, tc := range convCases {
		p := tc.p
		nx, nw, nb, ny := convSizes(p)
		seed := uint64(10 * ci)
		x, w, b, r := randVec(nx, seed), randVec(nw, seed+1), randVec(nb, seed+2), randVec(ny, seed+3)
		y := make([]float64, ny)
		loss := func() float64 { Conv2DForward(y, x, w, b, p); return dot(r, y) }

		dx := nanVec(nx) // overwritten: NaN must not survive
		Conv2DBackwardData(dx, r, w, p)
		gradCheck(t, tc.name+" dx", x, dx, loss)

		// dw and db accumulate: start from a known offset and subtract it.
		dw0, db0 := randVec(nw, seed+4), randVec(nb, seed+5)
		dw, db := append([]float64(nil), dw0...), append([]float64(nil), db0...)
		Conv2DBackwardFilter(dw, db, r, x, p)
		for i := range dw {
			dw[i] -= dw0[i]
		}
		for i := range db {
			db[i] -= db0[i]
		}
		gradCheck(t, tc.name+" dw", w, dw, loss)
		gradCheck(t, tc.name+" db", b, db, loss)

		dwNoBias := make([]float64, nw)
		Conv2DBackwardFilter(dwNoBias, nil, r, x, p) // db == nil must leave dw unchanged
		wantSlice(t, tc.name+" dw without db", dwNoBias, dw, 1e-12)
	}
}

// TestConv2DGroupsAreIndependent checks a 2-group conv equals two dense convs on channel halves.
func TestConv2DGroupsAreIndependent(t *testing.T) {
	p := Conv2D{N: 2, C: 4, H: 5, W: 6, K: 6, R: 3, S: 3, Stride: 2, Pad: 1, Groups: 2}
	half := Conv2D{N: 1, C: 2, H: 5, W: 6, K: 3, R: 3, S: 3, Stride: 2, Pad: 1, Groups: 1}
	nx, nw, nb, ny := convSizes(p)
	x, w, b, dy := randVec(nx, 1), randVec(nw, 2), randVec(nb, 3), randVec(ny, 4)
	y, dx, dw, db := nanVec(ny), nanVec(nx), make([]float64, nw), make([]float64, nb)
	Conv2DForward(y, x, w, b, p)
	Conv2DBackwardData(dx, dy, w, p)
	Conv2DBackwardFilter(dw, db, dy, x, p)

	hx, hw, ho := half.C*half.H*half.W, len(w)/2, half.K*half.OutH()*half.OutW()
	for n := 0; n < p.N; n++ {
		for g := 0; g < 2; g++ {
			xs := x[n*2*hx+g*hx : n*2*hx+(g+1)*hx] // channels [2g, 2g+2) of image n
			ws, bs := w[g*hw:(g+1)*hw], b[g*3:(g+1)*3]
			dys := dy[n*2*ho+g*ho : n*2*ho+(g+1)*ho]
			ys, dxs := make([]float64, ho), make([]float64, hx)
			Conv2DForward(ys, xs, ws, bs, half)
			Conv2DBackwardData(dxs, dys, ws, half)
			wantSlice(t, "grouped y", y[n*2*ho+g*ho:n*2*ho+(g+1)*ho], ys, 1e-14)
			wantSlice(t, "grouped dx", dx[n*2*hx+g*hx:n*2*hx+(g+1)*hx], dxs, 1e-14)
		}
	}
	// The filter gradient of group g sums over both images of that group's halves.
	for g := 0; g < 2; g++ {
		dws, dbs := make([]float64, hw), make([]float64, 3)
		for n := 0; n < p.N; n++ {
			Conv2DBackwardFilter(dws, dbs, dy[n*2*ho+g*ho:n*2*ho+(g+1)*ho], x[n*2*hx+g*hx:n*2*hx+(g+1)*hx], half)
		}
		wantSlice(t, "grouped dw", dw[g*hw:(g+1)*hw], dws, 1e-14)
		wantSlice(t, "grouped db", db[g*3:(g+1)*3], dbs, 1e-14)
	}
}

// TestConv2DFloat32 runs the float32 instantiation, the one the GPU is compared with, against
// float64; tolerance: a sum of at most 36 products of values in [−1,1] in float32 is off by
// about 36·6e-8 ≈ 2e-6, so atol 1e-5 leaves margin while a wrong index is off by ~0.1.
func TestConv2DFloat32(t *testing.T) {
	for _, tc := range convCases {
		p := tc.p
		nx, nw, nb, ny := convSizes(p)
		x, w, b, dy := randVec(nx, 7), randVec(nw, 8), randVec(nb, 9), randVec(ny, 10)
		y, dx, dw, db := make([]float64, ny), make([]float64, nx), make([]float64, nw), make([]float64, nb)
		Conv2DForward(y, x, w, b, p)
		Conv2DBackwardData(dx, dy, w, p)
		Conv2DBackwardFilter(dw, db, dy, x, p)
		y32, dx32, dw32, db32 := make([]float32, ny), make([]float32, nx), make([]float32, nw), make([]float32, nb)
		Conv2DForward(y32, toF32(x), toF32(w), toF32(b), p)
		Conv2DBackwardData(dx32, toF32(dy), toF32(w), p)
		Conv2DBackwardFilter(dw32, db32, toF32(dy), toF32(x), p)
		outShape := []int{p.N, p.K, p.OutH(), p.OutW()}
		for _, c := range []struct {
			name      string
			got, want []float32
			shape     []int
		}{
			{"y", y32, toF32(y), outShape},
			{"dx", dx32, toF32(dx), []int{p.N, p.C, p.H, p.W}},
			{"dw", dw32, toF32(dw), []int{p.K, p.C / p.Groups, p.R, p.S}},
			{"db", db32, toF32(db), nil},
		} {
			if err := layerstest.Compare(c.got, c.want, 1e-5, 1e-5, c.shape); err != nil {
				t.Errorf("%s %s: %v", tc.name, c.name, err)
			}
		}
	}
}

func TestConv2DPanics(t *testing.T) {
	p := Conv2D{N: 1, C: 2, H: 3, W: 3, K: 2, R: 2, S: 2, Stride: 1, Groups: 2}
	nx, nw, nb, ny := convSizes(p)
	x, w, b, y := make([]float64, nx), make([]float64, nw), make([]float64, nb), make([]float64, ny)
	mustPanic(t, "short y", "len(y)", func() { Conv2DForward(y[1:], x, w, b, p) })
	mustPanic(t, "long x", "len(x)", func() { Conv2DForward(y, append(x, 0), w, b, p) })
	mustPanic(t, "short b", "len(b)", func() { Conv2DForward(y, x, w, b[1:], p) })
	mustPanic(t, "short dx", "len(dx)", func() { Conv2DBackwardData(x[1:], y, w, p) })
	mustPanic(t, "short dw", "len(dw)", func() { Conv2DBackwardFilter(w[1:], b, y, x, p) })
	mustPanic(t, "short db", "len(db)", func() { Conv2DBackwardFilter(w, b[1:], y, x, p) })
	bad := p
	bad.Groups = 3
	mustPanic(t, "bad geometry", "Groups = 3", func() { Conv2DForward(y, x, w, b, bad) })
}

// BenchmarkConv2DForward measures the naive reference on AlexNet's conv2 shape (one image).
func BenchmarkConv2DForward(b *testing.B) {
	p := Conv2D{N: 1, C: 96, H: 27, W: 27, K: 256, R: 5, S: 5, Stride: 1, Pad: 2, Groups: 2}
	nx, nw, nb, ny := convSizes(p)
	x, w, bias, y := toF32(randVec(nx, 1)), toF32(randVec(nw, 2)), toF32(randVec(nb, 3)), make([]float32, ny)
	for b.Loop() {
		Conv2DForward(y, x, w, bias, p)
	}
	b.ReportMetric(float64(p.FLOPs())*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	if math.IsNaN(float64(y[0])) {
		b.Fatal("NaN output")
	}
}
