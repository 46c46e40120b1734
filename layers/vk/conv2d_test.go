package vk

import (
	"fmt"
	"testing"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers"
	"github.com/alexnet-vk/alexnet/layers/layerstest"
)

// convShapes are the conv layers of both AlexNet variants (at batch 2; batch 1 is checked on the
// first image) and awkward geometries: 1×1 maps, odd sizes, stride > kernel, padding ≥ kernel/2,
// channel counts that are not multiples of the 16-row tile, and 2 or 3 groups.
var convShapes = []struct {
	name    string
	p       layers.Conv2D
	scratch int // images of columns the scratch holds (chunking when < N)
}{
	{"alexnet/conv1", layers.Conv2D{N: 2, C: 3, H: 227, W: 227, K: 96, R: 11, S: 11, Stride: 4, Groups: 1}, 1},
	{"alexnet/conv2", layers.Conv2D{N: 2, C: 96, H: 27, W: 27, K: 256, R: 5, S: 5, Stride: 1, Pad: 2, Groups: 2}, 2},
	{"alexnet/conv3", layers.Conv2D{N: 2, C: 256, H: 13, W: 13, K: 384, R: 3, S: 3, Stride: 1, Pad: 1, Groups: 1}, 2},
	{"alexnet/conv4", layers.Conv2D{N: 2, C: 384, H: 13, W: 13, K: 384, R: 3, S: 3, Stride: 1, Pad: 1, Groups: 2}, 2},
	{"alexnet/conv5", layers.Conv2D{N: 2, C: 384, H: 13, W: 13, K: 256, R: 3, S: 3, Stride: 1, Pad: 1, Groups: 2}, 2},
	{"alexnet-tv/conv1", layers.Conv2D{N: 2, C: 3, H: 224, W: 224, K: 64, R: 11, S: 11, Stride: 4, Pad: 2, Groups: 1}, 2},
	{"alexnet-tv/conv2", layers.Conv2D{N: 2, C: 64, H: 27, W: 27, K: 192, R: 5, S: 5, Stride: 1, Pad: 2, Groups: 1}, 2},
	{"alexnet-tv/conv3", layers.Conv2D{N: 2, C: 192, H: 13, W: 13, K: 384, R: 3, S: 3, Stride: 1, Pad: 1, Groups: 1}, 2},
	{"alexnet-tv/conv4", layers.Conv2D{N: 2, C: 384, H: 13, W: 13, K: 256, R: 3, S: 3, Stride: 1, Pad: 1, Groups: 1}, 2},
	{"alexnet-tv/conv5", layers.Conv2D{N: 2, C: 256, H: 13, W: 13, K: 256, R: 3, S: 3, Stride: 1, Pad: 1, Groups: 1}, 2},
	// alexnet-small (make demo's net) at 28 px: conv2 and conv5 (24 channels per group) run the
	// three-share kernels forward and backward-filter (tile variant); conv4's backward-filter the
	// wide kernel at the mid kernel's tie (288 taps).
	{"alexnet-small/conv1", layers.Conv2D{N: 2, C: 1, H: 28, W: 28, K: 16, R: 5, S: 5, Stride: 1, Pad: 2, Groups: 1}, 2},
	{"alexnet-small/conv2", layers.Conv2D{N: 2, C: 16, H: 13, W: 13, K: 48, R: 5, S: 5, Stride: 1, Pad: 2, Groups: 2}, 2},
	{"alexnet-small/conv3", layers.Conv2D{N: 2, C: 48, H: 6, W: 6, K: 64, R: 3, S: 3, Stride: 1, Pad: 1, Groups: 1}, 2},
	{"alexnet-small/conv4", layers.Conv2D{N: 2, C: 64, H: 6, W: 6, K: 64, R: 3, S: 3, Stride: 1, Pad: 1, Groups: 2}, 2},
	{"alexnet-small/conv5", layers.Conv2D{N: 2, C: 64, H: 6, W: 6, K: 48, R: 3, S: 3, Stride: 1, Pad: 1, Groups: 2}, 2},
	{"small-k8", layers.Conv2D{N: 2, C: 3, H: 13, W: 13, K: 8, R: 3, S: 3, Stride: 1, Pad: 1, Groups: 1}, 2},
	{"1x1map", layers.Conv2D{N: 2, C: 5, H: 1, W: 1, K: 17, R: 1, S: 1, Stride: 1, Groups: 1}, 2},
	{"7x7-pad2-k3", layers.Conv2D{N: 3, C: 6, H: 7, W: 7, K: 9, R: 3, S: 3, Stride: 1, Pad: 2, Groups: 3}, 2},
	{"13-stride3-k2", layers.Conv2D{N: 2, C: 4, H: 13, W: 13, K: 6, R: 2, S: 2, Stride: 3, Groups: 2}, 1},
	{"nonsquare", layers.Conv2D{N: 2, C: 3, H: 9, W: 14, K: 33, R: 3, S: 5, Stride: 2, Pad: 1, Groups: 1}, 2},
	{"kernel-covers-input", layers.Conv2D{N: 2, C: 2, H: 5, W: 5, K: 3, R: 5, S: 5, Stride: 1, Pad: 4, Groups: 1}, 2},
	// A padded image (3·8·8 floats) larger than its columns (3·4·4): Conv2DForward falls back to im2col.
	{"1x1-stride2-pad1", layers.Conv2D{N: 2, C: 3, H: 6, W: 6, K: 4, R: 1, S: 1, Stride: 2, Pad: 1, Groups: 1}, 1},
	// The three-share kernels (tile variant) with rows and columns past the product's edge: 20
	// channels per group (4 rows clamped; forward and backward-filter, 200 taps), 72 channels (three
	// tiles; backward-filter over 288 taps), and a stride-2 forward.
	{"three-k20-g2", layers.Conv2D{N: 3, C: 16, H: 9, W: 7, K: 40, R: 5, S: 5, Stride: 1, Pad: 2, Groups: 2}, 3},
	{"three-k72", layers.Conv2D{N: 2, C: 32, H: 7, W: 7, K: 72, R: 3, S: 3, Stride: 1, Pad: 1, Groups: 1}, 2},
	{"three-stride2", layers.Conv2D{N: 2, C: 3, H: 15, W: 15, K: 24, R: 5, S: 5, Stride: 2, Pad: 1, Groups: 1}, 2},
}

// convTol: each output sums C/G·R·S products (forward), K/G·R·S products (data) or N·OH·OW products
// (filter) of values in [-1, 1]; the product kernel's tolerance for that many terms.
func convTol(terms int) (float64, float64) { return gemmTol(terms) }

// TestConv2D runs every variant the device runs over the conv shapes, at batch 1 and the full batch.
func TestConv2D(t *testing.T) {
	d, _ := setup(t)
	for i, tc := range convShapes {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.p
			oh, ow := p.OutH(), p.OutW()
			nx, nw, ny := p.N*p.C*p.H*p.W, p.K*p.C/p.Groups*p.R*p.S, p.N*p.K*oh*ow
			x, w := layerstest.Rand(nx, uint64(10*i+1)), layerstest.Rand(nw, uint64(10*i+2))
			b, dy := layerstest.Rand(p.K, uint64(10*i+3)), layerstest.Rand(ny, uint64(10*i+4))
			dw0, db0 := layerstest.Rand(nw, uint64(10*i+5)), layerstest.Rand(p.K, uint64(10*i+6))

			// References in float64 over the whole batch; dw and db accumulate from dw0, db0.
			y64, dx64 := make([]float64, ny), make([]float64, nx)
			dw64, db64 := f64(dw0), f64(db0)
			layers.Conv2DForward(y64, f64(x), f64(w), f64(b), p)
			layers.Conv2DBackwardData(dx64, f64(dy), f64(w), p)
			// Batch 1's filter gradient (first image only) on the way to the batch's.
			p1 := p
			p1.N = 1
			layers.Conv2DBackwardFilter(dw64, db64, f64(dy[:ny/p.N]), f64(x[:nx/p.N]), p1)
			dw1, db1 := f32(dw64), f32(db64)
			rest := p
			rest.N = p.N - 1
			layers.Conv2DBackwardFilter(dw64, db64, f64(dy[ny/p.N:]), f64(x[nx/p.N:]), rest)
			ref := convRefs{y: y64, dx: dx64, dw: dw64, db: db64, dw1: dw1, db1: db1}

			for _, n := range []int{1, p.N} {
				for _, v := range everyVariant(t) {
					t.Run(fmt.Sprintf("batch%d/%s", n, v.name), func(t *testing.T) {
						checkConv2D(t, d, v.lib, p, n, x, w, b, dy, dw0, db0, tc.scratch, ref)
					})
				}
			}
		})
	}
}

// convRefs are the float64 references of one conv2d case over its whole batch: y, dx, and dw, db
// accumulated from dw0, db0 (dw1, db1: from the first image alone).
type convRefs struct {
	y, dx, dw, db []float64
	dw1, db1      []float32
}

// checkConv2D runs forward (implicit and im2col), backward-data (both paths) and backward-filter
// of the first n images of p's batch on l, through a scratch of scratchImages images' columns,
// and compares them with the references.
func checkConv2D(t *testing.T, d *gpu.Device, l *Lib, p layers.Conv2D, n int, x, w, b, dy, dw0, db0 []float32, scratchImages int, ref convRefs) {
	t.Helper()
	q := p
	q.N = n
	nx, ny := len(x), len(dy)
	oh, ow := p.OutH(), p.OutW()
	tx, tw, tb, tdy := in(t, d, x[:n*nx/p.N]), in(t, d, w), in(t, d, b), in(t, d, dy[:n*ny/p.N])
	ty, tyc, tdx, tdxc := out(t, d, n*ny/p.N), out(t, d, n*ny/p.N), out(t, d, n*nx/p.N), out(t, d, n*nx/p.N)
	tdw, tdb := in(t, d, dw0), in(t, d, db0)
	// A variant with an implicit backward-filter kernel runs the im2col + gemm path too.
	both := l.Choice.Of(ProductGemm).BwdFilter[0] != ""
	var tdwc, tdbc *tensor
	if both {
		tdwc, tdbc = in(t, d, dw0), in(t, d, db0)
	}
	scratch, err := d.NewBuffer("scratch", int64(scratchImages*ColFloats(p))*4, gpu.DeviceMemory)
	if err != nil {
		t.Fatal(err)
	}
	defer scratch.Free()
	record(t, d, func(s *gpu.Seq) {
		l.Conv2DForward(s, ty.Arg(), tx.Arg(), tw.Arg(), tb.Arg(), q, false, scratch)
		l.Conv2DForwardCols(s, tyc.Arg(), tx.Arg(), tw.Arg(), tb.Arg(), q, false, scratch)
		l.Conv2DBackwardData(s, tdx.Arg(), tdy.Arg(), tw.Arg(), q, scratch)
		l.noImplicitBwdData = true // the gemm + col2im path too
		l.Conv2DBackwardData(s, tdxc.Arg(), tdy.Arg(), tw.Arg(), q, scratch)
		l.noImplicitBwdData = false
		l.Conv2DBackwardFilter(s, tdw.Arg(), tdb.Arg(), tdy.Arg(), tx.Arg(), q, scratch)
		if both {
			l.noImplicitBwdFilter = true
			l.Conv2DBackwardFilter(s, tdwc.Arg(), tdbc.Arg(), tdy.Arg(), tx.Arg(), q, scratch)
			l.noImplicitBwdFilter = false
		}
	})
	shapeY, shapeX := []int{n, p.K, oh, ow}, []int{n, p.C, p.H, p.W}
	atol, rtol := convTol(p.C / p.Groups * p.R * p.S)
	compare(t, "y", ty.floats(), f32(ref.y[:n*ny/p.N]), atol, rtol, shapeY)
	compare(t, "y (im2col)", tyc.floats(), f32(ref.y[:n*ny/p.N]), atol, rtol, shapeY)
	atol, rtol = convTol(p.K / p.Groups * p.R * p.S)
	compare(t, "dx", tdx.floats(), f32(ref.dx[:n*nx/p.N]), atol, rtol, shapeX)
	compare(t, "dx (col2im)", tdxc.floats(), f32(ref.dx[:n*nx/p.N]), atol, rtol, shapeX)
	wantDw, wantDb := f32(ref.dw), f32(ref.db)
	if n == 1 {
		wantDw, wantDb = ref.dw1, ref.db1
	}
	atol, rtol = convTol(n * oh * ow)
	compare(t, "dw", tdw.floats(), wantDw, atol, rtol, []int{p.K, p.C / p.Groups, p.R, p.S})
	compare(t, "db", tdb.floats(), wantDb, atol, rtol, nil)
	if both {
		compare(t, "dw (im2col)", tdwc.floats(), wantDw, atol, rtol, []int{p.K, p.C / p.Groups, p.R, p.S})
		compare(t, "db (im2col)", tdbc.floats(), wantDb, atol, rtol, nil)
	}
	tx.unchanged("x")
	tw.unchanged("w")
	tb.unchanged("b")
	tdy.unchanged("dy")
}

// The fused ReLU epilogue equals the plain forward followed by max(0, ·).
func TestConv2DFusedReLU(t *testing.T) {
	d, _ := setup(t)
	p := layers.Conv2D{N: 2, C: 5, H: 11, W: 11, K: 20, R: 3, S: 3, Stride: 2, Pad: 1, Groups: 1}
	x, w, b := layerstest.Rand(p.N*p.C*p.H*p.W, 1), layerstest.Rand(p.K*p.C*9, 2), layerstest.Rand(p.K, 3)
	ny := p.N * p.K * p.OutH() * p.OutW()
	want := make([]float64, ny)
	layers.Conv2DForward(want, f64(x), f64(w), f64(b), p)
	layers.ReLUForward(want, want)
	tx, tw, tb := in(t, d, x), in(t, d, w), in(t, d, b)
	scratch, _ := d.NewBuffer("scratch", int64(ColFloats(p))*4, gpu.DeviceMemory)
	defer scratch.Free()
	for _, v := range everyVariant(t) {
		ty, tyc := out(t, d, ny), out(t, d, ny)
		record(t, d, func(s *gpu.Seq) {
			v.lib.Conv2DForward(s, ty.Arg(), tx.Arg(), tw.Arg(), tb.Arg(), p, true, scratch)
			v.lib.Conv2DForwardCols(s, tyc.Arg(), tx.Arg(), tw.Arg(), tb.Arg(), p, true, scratch)
		})
		atol, rtol := convTol(45)
		compare(t, v.name+": relu(conv)", ty.floats(), f32(want), atol, rtol, []int{p.N, p.K, p.OutH(), p.OutW()})
		compare(t, v.name+": relu(conv) (im2col)", tyc.floats(), f32(want), atol, rtol, []int{p.N, p.K, p.OutH(), p.OutW()})
	}
}

// im2col and col2im against their CPU references (col2im is im2col's adjoint).
func TestIm2colCol2im(t *testing.T) {
	d, l := setup(t)
	for _, tc := range convShapes[10:] {
		p := tc.p
		ncol := p.N * ColFloats(p)
		x := layerstest.Rand(p.N*p.C*p.H*p.W, 7)
		want := make([]float32, ncol)
		im2colRef(want, x, p)
		dcol := layerstest.Rand(ncol, 8)
		wantDx := make([]float32, len(x))
		col2imRef(wantDx, dcol, p)
		tx, tcol, tdcol, tdx := in(t, d, x), out(t, d, ncol), in(t, d, dcol), out(t, d, len(x))
		record(t, d, func(s *gpu.Seq) {
			l.im2col(s, tcol.Arg(), tx.Arg(), p, 0, p.N)
			l.col2im(s, tdx.Arg(), tdcol.Arg(), p, p.N)
		})
		compare(t, tc.name+" im2col", tcol.floats(), want, 0, 0, nil) // a copy: exact
		// Sums of at most R·S terms: tiny float32 rounding only.
		compare(t, tc.name+" col2im", tdx.floats(), wantDx, 1e-5, 1e-5, []int{p.N, p.C, p.H, p.W})
	}
}

// conv_wflip against its CPU reference (an exact permutation).
func TestWflip(t *testing.T) {
	d, l := setup(t)
	for i, c := range []struct{ g, kg, cg, r, s int }{{1, 1, 1, 1, 1}, {2, 3, 5, 3, 3}, {3, 7, 2, 5, 5}, {1, 17, 3, 2, 4}} {
		n := c.g * c.kg * c.cg * c.r * c.s
		w := layerstest.Rand(n, uint64(i+40))
		want := make([]float32, n)
		wflipRef(want, w, c.g, c.kg, c.cg, c.r, c.s)
		tw, twf := in(t, d, w), out(t, d, n)
		record(t, d, func(s *gpu.Seq) {
			l.wflip(s, twf.Arg(), tw.Arg(), c.g, c.kg, c.cg, c.r, c.s)
		})
		compare(t, fmt.Sprintf("wflip %+v", c), twf.floats(), want, 0, 0, nil)
		tw.unchanged("w")
	}
}

// pad against its CPU reference (an exact copy with zeros around).
func TestPad(t *testing.T) {
	d, l := setup(t)
	for i, c := range []struct{ nc, h, w, pad int }{{1, 1, 1, 1}, {6, 7, 5, 2}, {3, 13, 13, 1}, {2, 4, 9, 4}, {5, 28, 28, 2}, {70, 6, 6, 1}, {3, 5, 1, 3}} {
		x := layerstest.Rand(c.nc*c.h*c.w, uint64(i+20))
		hp, wp := c.h+2*c.pad, c.w+2*c.pad
		want := make([]float32, c.nc*hp*wp)
		padRef(want, x, c.nc, c.h, c.w, c.pad)
		tx, txp := in(t, d, x), out(t, d, len(want))
		record(t, d, func(s *gpu.Seq) {
			l.pad(s, txp.Arg(), tx.Arg(), c.nc, c.h, c.w, c.pad)
		})
		compare(t, fmt.Sprintf("pad %+v", c), txp.floats(), want, 0, 0, []int{c.nc, hp, wp})
		tx.unchanged("x")
	}
}

// Conv2DBackwardFilterFromCols, on the columns a forward pass left in its scratch, gives exactly
// what Conv2DBackwardFilter gives recomputing them (its im2col + gemm path: the implicit kernel
// sums in another order, and TestConv2D checks it); a buffer too small for all images is refused.
func TestConv2DBackwardFilterFromCols(t *testing.T) {
	d, _ := setup(t)
	for _, tc := range convShapes {
		p := tc.p
		ny := p.N * p.K * p.OutH() * p.OutW()
		nw := p.K * p.C / p.Groups * p.R * p.S
		x, w, dy := layerstest.Rand(p.N*p.C*p.H*p.W, 11), layerstest.Rand(nw, 12), layerstest.Rand(ny, 13)
		dw0, db0 := layerstest.Rand(nw, 14), layerstest.Rand(p.K, 15)
		tx, tw, tdy, ty := in(t, d, x), in(t, d, w), in(t, d, dy), out(t, d, ny)
		cols, err := d.NewBuffer("cols", int64(p.N*ColFloats(p))*4, gpu.DeviceMemory)
		if err != nil {
			t.Fatal(err)
		}
		// The same chunking (all images at once), so the same sums in the same order.
		scratch, err := d.NewBuffer("scratch", int64(p.N*ColFloats(p))*4, gpu.DeviceMemory)
		if err != nil {
			t.Fatal(err)
		}
		if !ColumnsFit(p, cols) || (p.N > 1 && ColumnsFit(p, gpu.Offset(cols, 4))) {
			t.Fatalf("%s: ColumnsFit wrong", tc.name)
		}
		for _, v := range everyVariant(t) {
			l := v.lib
			dwA, dbA, dwB, dbB := in(t, d, dw0), in(t, d, db0), in(t, d, dw0), in(t, d, db0)
			record(t, d, func(s *gpu.Seq) {
				l.Conv2DForwardCols(s, ty.Arg(), tx.Arg(), tw.Arg(), nil, p, false, cols)
				l.Conv2DBackwardFilterFromCols(s, dwA.Arg(), dbA.Arg(), tdy.Arg(), cols, p)
				l.noImplicitBwdFilter = true
				l.Conv2DBackwardFilter(s, dwB.Arg(), dbB.Arg(), tdy.Arg(), tx.Arg(), p, scratch)
				l.noImplicitBwdFilter = false
			})
			compare(t, tc.name+" "+v.name+" dw", dwA.floats(), dwB.floats(), 0, 0, nil)
			compare(t, tc.name+" "+v.name+" db", dbA.floats(), dbB.floats(), 0, 0, nil)
		}
		cols.Free()
		scratch.Free()
	}
}

// bias_grad_lane (a lane per channel) runs where each channel sums at most biasLaneMax values:
// linear layers and alexnet-small's 6×6 layers at batch 32; bias_grad (a workgroup per channel)
// runs alexnet-tv's conv layers at batch 128. TestConv2D and TestLinear cover both kernels: their
// shapes fall on each side (alexnet's conv1 at batch 2 sums 6050 values per channel).
func TestBiasGradKernelChoice(t *testing.T) {
	for _, c := range []struct {
		name string
		n, p int
		lane bool
	}{
		{"fc6 b128", 128, 1, true}, {"alexnet-small conv3 b32", 32, 36, true}, {"alexnet conv1 b1", 1, 55 * 55, true},
		{"alexnet conv1 b2", 2, 55 * 55, false}, {"alexnet-small conv2 b32", 32, 13 * 13, false}, {"alexnet-tv conv3 b128", 128, 13 * 13, false},
	} {
		if got := biasLane(c.n, c.p); got != c.lane {
			t.Errorf("%s: biasLane(%d, %d) = %v, want %v", c.name, c.n, c.p, got, c.lane)
		}
	}
}
