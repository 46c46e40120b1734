package vk

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers"
	"github.com/alexnet-vk/alexnet/layers/layerstest"
	"github.com/alexnet-vk/alexnet/shaders"
)

// winoShapes: a stride-1 3×3 layer of the paper's AlexNet (groups 2, wide products) from convShapes
// (one only: the SwiftShader leg's budget), beside
// awkward ones: odd and even maps with tiles hanging over the edge, pad 0 and 2, 3 groups, 1×1
// outputs, channel counts off the product tiles, and a scratch that forces chunks of one image.
var winoShapes = []struct {
	name    string
	p       layers.Conv2D
	m       int // output tile side: F(m×m,R×R)
	scratch int // images the scratch holds (chunking when < N)
}{
	{"alexnet/conv4", convShape("alexnet/conv4"), 2, 2},
	// More output than input channels (backward-filter's products transposed), past the narrow
	// kernels' 64 columns.
	{"9x9-k80", layers.Conv2D{N: 2, C: 16, H: 9, W: 9, K: 80, R: 3, S: 3, Stride: 1, Pad: 1, Groups: 1}, 2, 2},
	{"small-k8", convShape("small-k8"), 2, 2},
	{"7x7-pad2-g3", convShape("7x7-pad2-k3"), 2, 1},
	{"8x11-pad0", layers.Conv2D{N: 3, C: 5, H: 8, W: 11, K: 7, R: 3, S: 3, Stride: 1, Pad: 0, Groups: 1}, 2, 2},
	{"3x3-pad0-1x1out", layers.Conv2D{N: 2, C: 17, H: 3, W: 3, K: 3, R: 3, S: 3, Stride: 1, Pad: 0, Groups: 1}, 2, 1},
	{"6x5-pad1-g2", layers.Conv2D{N: 2, C: 34, H: 6, W: 5, K: 18, R: 3, S: 3, Stride: 1, Pad: 1, Groups: 2}, 2, 2},
	// F(2×2,5×5): alexnet-tv's conv2 at a small batch in chunks of one image, odd maps with pad 0
	// (backward-data pads by 4) and 1, 2 groups, channel counts off the product tiles.
	{"alexnet-tv/conv2", convShape("alexnet-tv/conv2"), 2, 1},
	{"5x5-9x8-pad0", layers.Conv2D{N: 3, C: 17, H: 9, W: 8, K: 5, R: 5, S: 5, Stride: 1, Pad: 0, Groups: 1}, 2, 2},
	{"5x5-7x9-pad1-g2", layers.Conv2D{N: 2, C: 6, H: 7, W: 9, K: 22, R: 5, S: 5, Stride: 1, Pad: 1, Groups: 2}, 2, 2},
	// F(4×4,3×3): alexnet-tv's conv4 (13×13: the last tile hangs 3 over) in chunks of one image,
	// backward-filter transposed, pad 2 with 3 groups, maps off the tile in both directions with
	// pad 0, and a 1×1 output.
	{"4x4/alexnet-tv/conv4", convShape("alexnet-tv/conv4"), 4, 1},
	{"4x4/9x9-k80", layers.Conv2D{N: 2, C: 16, H: 9, W: 9, K: 80, R: 3, S: 3, Stride: 1, Pad: 1, Groups: 1}, 4, 2},
	{"4x4/7x7-pad2-g3", convShape("7x7-pad2-k3"), 4, 1},
	{"4x4/8x11-pad0", layers.Conv2D{N: 3, C: 5, H: 8, W: 11, K: 7, R: 3, S: 3, Stride: 1, Pad: 0, Groups: 1}, 4, 2},
	{"4x4/3x3-pad0-1x1out", layers.Conv2D{N: 2, C: 17, H: 3, W: 3, K: 3, R: 3, S: 3, Stride: 1, Pad: 0, Groups: 1}, 4, 1},
}

func convShape(name string) layers.Conv2D {
	for _, c := range convShapes {
		if c.name == name {
			return c.p
		}
	}
	panic("no conv shape " + name)
}

// winoTol is Winograd F(2×2,3×3)'s tolerance for a sum of terms products of values in [-1, 1]:
// the direct convolution's own, gemmTol(terms), not loosened. The fp32 error bound: every
// transformed filter element is at most ‖G‖∞² = 9/4 times the largest filter value and every
// transformed input element at most ‖Bᵀ‖∞² = 4 times the largest input, so each of the C products
// a gemm sums is up to 9 times a direct term while there are 9 times fewer of them (the same
// rounding of the sums), and the output transform adds ‖Aᵀ‖∞² = 9 of those sums with coefficients
// ±1: at worst 9 times the direct error, which gemmTol covers with room (measured on lavapipe:
// at most 0.02 × gemmTol's atol, logged by the test).
func winoTol(terms int) (float64, float64) { return gemmTol(terms) }

// wino5Tol is Winograd F(2×2,5×5)'s tolerance: also the direct convolution's own, gemmTol(terms),
// not loosened. Its worst-case fp32 error is far larger than F(2×2,3×3)'s: ‖Bᵀ‖∞² = 10² = 100 (input),
// ‖G‖∞² = (31/24)² ≈ 1.67 (filter), so a product term is up to ~167 times a direct term, with 36/4 = 9
// of them per output and channel against 25 direct terms, and ‖Aᵀ‖∞² = 7² = 49 in the output
// transform: at worst 49·167·9/25 ≈ 2900 times the direct convolution's rounding bound (F(2×2,3×3):
// 9). That worst case needs every rounding to line up; gemmTol (4e-6 per term) sits about two
// orders of magnitude above the direct path's typical error, and the measured error stays inside
// it: at most 0.04 × atol for y and dx and 0.11 × atol for dw on lavapipe (256 and 512 bits),
// 0.17 × atol for dw on SwiftShader (alexnet-tv/conv2 and the 5×5 shapes of winoShapes, logged by
// the test), against 0.02 for F(2×2,3×3) on lavapipe.
func wino5Tol(terms int) (float64, float64) { return gemmTol(terms) }

// wino43Tol is Winograd F(4×4,3×3)'s tolerance: also the direct convolution's own, gemmTol(terms),
// not loosened. It shares F(2×2,5×5)'s Bᵀ (‖Bᵀ‖∞² = 100 on the input); ‖G‖∞² = 1 (filter), so a
// product term is up to 100 times a direct term, with 36/16 = 2.25 of them per output and channel
// against 9 direct terms, and ‖Aᵀ‖∞² = 19² = 361 in the output transform (rows up to 1+1+8+8+1): at
// worst 361·100·2.25/9 ≈ 9000 times the direct convolution's rounding bound, about 3 times
// F(2×2,5×5)'s. Measured, as wino5Tol (the 4x4 shapes of winoShapes, logged by the test): at most
// 0.14 × atol for y, 0.10 for dx and 0.10 for dw on lavapipe 256 and 512 bits; 0.10, 0.11 and 0.06
// on SwiftShader (F(2×2,5×5) in the same runs: up to 0.05, 0.04 and 0.17).
func wino43Tol(terms int) (float64, float64) { return gemmTol(terms) }

// winoTolOf returns the tolerance of F(m×m,r×r).
func winoTolOf(m, r int) func(int) (float64, float64) {
	switch {
	case m == 4:
		return wino43Tol
	case r == 5:
		return wino5Tol
	}
	return winoTol
}

// TestConv2DWinograd runs the Winograd forward, backward-data and backward-filter with every
// product variant the device runs against the float64 direct convolution.
func TestConv2DWinograd(t *testing.T) {
	d, _ := setup(t)
	for i, tc := range winoShapes {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.p
			if !slices.Contains(WinogradTiles(p), tc.m) {
				t.Fatalf("%+v: no Winograd form F(%d×%d)", p, tc.m, tc.m)
			}
			oh, ow := p.OutH(), p.OutW()
			rs := p.R * p.S
			nx, nw, ny := p.N*p.C*p.H*p.W, p.K*p.C/p.Groups*rs, p.N*p.K*oh*ow
			x, w := layerstest.Rand(nx, uint64(10*i+101)), layerstest.Rand(nw, uint64(10*i+102))
			b, dy := layerstest.Rand(p.K, uint64(10*i+103)), layerstest.Rand(ny, uint64(10*i+104))
			dw0, db0 := layerstest.Rand(nw, uint64(10*i+105)), layerstest.Rand(p.K, uint64(10*i+106))
			y64, dx64, dw64, db64 := make([]float64, ny), make([]float64, nx), f64(dw0), f64(db0)
			layers.Conv2DForward(y64, f64(x), f64(w), f64(b), p)
			layers.ReLUForward(y64, y64)
			layers.Conv2DBackwardData(dx64, f64(dy), f64(w), p)
			layers.Conv2DBackwardFilter(dw64, db64, f64(dy), f64(x), p)
			scratch, err := d.NewBuffer("scratch", int64(WinogradFloats(p, tc.scratch))*4, gpu.DeviceMemory)
			if err != nil {
				t.Fatal(err)
			}
			defer scratch.Free()
			tx, tw, tb, tdy := in(t, d, x), in(t, d, w), in(t, d, b), in(t, d, dy)
			for _, v := range everyVariant(t) {
				t.Run(v.name, func(t *testing.T) {
					ty, tdx, tdw, tdb := out(t, d, ny), out(t, d, nx), in(t, d, dw0), in(t, d, db0)
					record(t, d, func(s *gpu.Seq) {
						v.lib.Conv2DForwardWinograd(s, ty.Arg(), tx.Arg(), tw.Arg(), tb.Arg(), p, true, tc.m, scratch)
						v.lib.Conv2DBackwardDataWinograd(s, tdx.Arg(), tdy.Arg(), tw.Arg(), p, tc.m, scratch)
						v.lib.Conv2DBackwardFilterWinograd(s, tdw.Arg(), tdb.Arg(), tdy.Arg(), tx.Arg(), p, tc.m, scratch)
					})
					tol := winoTolOf(tc.m, p.R)
					atol, rtol := tol(p.C / p.Groups * rs)
					logErr(t, "y", ty.floats(), y64, atol)
					compare(t, "relu(y)", ty.floats(), f32(y64), atol, rtol, []int{p.N, p.K, oh, ow})
					atol, rtol = tol(p.K / p.Groups * rs)
					logErr(t, "dx", tdx.floats(), dx64, atol)
					compare(t, "dx", tdx.floats(), f32(dx64), atol, rtol, []int{p.N, p.C, p.H, p.W})
					atol, rtol = tol(p.N * oh * ow)
					logErr(t, "dw", tdw.floats(), dw64, atol)
					compare(t, "dw", tdw.floats(), f32(dw64), atol, rtol, []int{p.K, p.C / p.Groups, p.R, p.S})
					atol, rtol = convTol(p.N * oh * ow) // db: bias_grad, the direct path's kernel
					compare(t, "db", tdb.floats(), f32(db64), atol, rtol, nil)
				})
			}
			tx.unchanged("x")
			tw.unchanged("w")
			tb.unchanged("b")
			tdy.unchanged("dy")
		})
	}
}

// logErr logs the largest error of got against want as a multiple of the direct path's atol
// (how winoTol's factor was measured).
func logErr(t *testing.T, what string, got []float32, want []float64, atol float64) {
	t.Helper()
	most := 0.0
	for i, g := range got {
		most = max(most, math.Abs(float64(g)-want[i]))
	}
	t.Logf("%s: max |err| %.3g = %.2f × direct atol", what, most, most/atol)
}

// TestWinogradMats checks in float64 that each form's matrices reproduce the correlation: for a
// tile d of α inputs and a filter g of r taps, Aᵀ·[(G·g) ⊙ (Bᵀ·d)] = y, y[i] = Σ_s d[i+s]·g[s]
// (the 2-D forms nest the 1-D one), up to the rounding of ⅙, 1/12, 1/24 to float32.
func TestWinogradMats(t *testing.T) {
	for _, wm := range []winoMats{wino3, wino5, wino43} {
		if wm.a != wm.m+wm.r-1 || len(wm.g) != wm.a {
			t.Fatalf("F(%d,%d): α %d, G %d rows", wm.m, wm.r, wm.a, len(wm.g))
		}
		d, g := layerstest.Rand(wm.a, 7), layerstest.Rand(wm.r, 8)
		for i := 0; i < wm.m; i++ {
			var got, want float64
			for s := 0; s < wm.r; s++ {
				want += float64(d[i+s]) * float64(g[s])
			}
			for xi := 0; xi < wm.a; xi++ {
				var gg, bd float64
				for s := 0; s < wm.r; s++ {
					gg += float64(wm.g[xi][s]) * float64(g[s])
				}
				for j := 0; j < wm.a; j++ {
					bd += float64(wm.bt[xi][j]) * float64(d[j])
				}
				got += float64(wm.at[i][xi]) * gg * bd
			}
			if math.Abs(got-want) > 1e-6 {
				t.Errorf("F(%d,%d): y[%d] = %g, want %g", wm.m, wm.r, i, got, want)
			}
		}
	}
}

// Each Winograd kernel of every form against its CPU reference (the same transforms in float32
// plain loops; the sums differ only in order, a few ulps of values up to ~36 for F(2×2,3×3) and
// ~400 for F(2×2,5×5) and F(4×4,3×3), whose input transform sums 36 terms with coefficients up to
// 25; F(4×4,3×3)'s output and dout transforms have coefficients up to 64, values up to ~1e3).
func TestWinogradKernels(t *testing.T) {
	d, l := setup(t)
	for _, wm := range []winoMats{wino3, wino5, wino43} {
		k, a, rr := winoKernels[winoForm{wm.m, wm.r}], wm.til, wm.r*wm.r
		// Transform outputs carry up to ~100× the inputs' magnitude for the 6×6 tiles (Bᵀ·d·B).
		// F(4×4,3×3)'s output transform and its adjoint (dout) sum 36 and 16 terms with
		// coefficients up to 64 (Aᵀ's 8²), to values up to ~1e3.
		tol, otol, dtol := 1e-6, 1e-5, 1e-6
		if wm.a == 6 {
			tol = 1e-5
		}
		if wm.m == 4 {
			otol, dtol = 1e-4, 1e-4
		}
		for i, c := range []struct{ n, g, ci, co, h, w, pad int }{{1, 1, 1, 1, 1, 1, 1}, {2, 2, 3, 5, 7, 6, 1}, {3, 3, 2, 4, 5, 9, 0}, {1, 1, 4, 3, 4, 4, 2}} {
			c.pad += (wm.r - 3) / 2 // 5×5: outputs of at least 1×1
			wc := winoConv{m: wm.m, r: wm.r, g: c.g, ci: c.ci, co: c.co, h: c.h, w: c.w, pad: c.pad, oh: c.h + 2*c.pad - wm.r + 1, ow: c.w + 2*c.pad - wm.r + 1}
			th, tw := wc.tiles()
			nt := c.n * th * tw
			name := fmt.Sprintf("F(%d,%d) %+v", wm.m, wm.r, c)
			for _, flip := range []bool{false, true} {
				w := layerstest.Rand(c.g*c.co*c.ci*rr, uint64(i+60))
				want := make([]float32, a*c.g*c.co*c.ci)
				winoFilterRef(wm, want, w, c.g, c.co, c.ci, flip)
				tw, tu := in(t, d, w), out(t, d, len(want))
				record(t, d, func(s *gpu.Seq) {
					l.dispatch1D(s, k.filter, c.g*c.co*c.ci, 1, winoFilterPC{U: tu.Arg(), W: tw.Arg(), G: u32(c.g), M: u32(c.co), Kc: u32(c.ci), Flip: b32(flip)})
				})
				compare(t, name+fmt.Sprintf(" filter flip=%v", flip), tu.floats(), want, 1e-6, 1e-6, nil)
			}
			C, K := c.g*c.ci, c.g*c.co
			x := layerstest.Rand(c.n*C*c.h*c.w, uint64(i+70))
			wantV := make([]float32, a*C*nt)
			winoInputRef(wm, wantV, x, c.n, C, c.h, c.w, c.pad, th, tw)
			mm, bias := layerstest.Rand(a*K*nt, uint64(i+80)), layerstest.Rand(K, uint64(i+81))
			wantY := make([]float32, c.n*K*wc.oh*wc.ow)
			winoOutputRef(wm, wantY, mm, bias, c.n, K, wc.oh, wc.ow, th, tw, true)
			dy := layerstest.Rand(len(wantY), uint64(i+82))
			wantE := make([]float32, a*K*nt)
			winoDoutRef(wm, wantE, dy, c.n, K, wc.oh, wc.ow, th, tw)
			du, dw0 := layerstest.Rand(a*K*c.ci, uint64(i+83)), layerstest.Rand(K*c.ci*rr, uint64(i+84))
			wantDw, wantDwT := append([]float32(nil), dw0...), append([]float32(nil), dw0...)
			winoDfilterRef(wm, wantDw, du, K*c.ci, c.co, c.ci, false)
			winoDfilterRef(wm, wantDwT, du, K*c.ci, c.co, c.ci, true)
			tx, tv, tmm, tb, ty := in(t, d, x), out(t, d, len(wantV)), in(t, d, mm), in(t, d, bias), out(t, d, len(wantY))
			tdy, te, tdu, tdw, tdwT := in(t, d, dy), out(t, d, len(wantE)), in(t, d, du), in(t, d, dw0), in(t, d, dw0)
			geo := func(n int) (uint32, uint32, uint32) { return u32(n), u32(th), u32(tw) }
			record(t, d, func(s *gpu.Seq) {
				n, th, tw := geo(c.n)
				l.dispatch1D(s, k.input, C*nt, 1, winoInputPC{V: tv.Arg(), X: tx.Arg(), N: n, C: u32(C), H: u32(c.h), W: u32(c.w), Pad: u32(c.pad), TH: th, TW: tw})
				l.dispatch1D(s, k.output, K*nt, 1, winoOutputPC{Y: ty.Arg(), MM: tmm.Arg(), Bias: tb.Arg(), N: n, K: u32(K), OH: u32(wc.oh), OW: u32(wc.ow), TH: th, TW: tw,
					Flags: shaders.FlagRowBias | shaders.FlagRelu})
				l.dispatch1D(s, k.dout, K*nt, 1, winoDoutPC{E: te.Arg(), DY: tdy.Arg(), N: n, K: u32(K), OH: u32(wc.oh), OW: u32(wc.ow), TH: th, TW: tw})
				for i, dw := range []*tensor{tdw, tdwT} {
					l.dispatch1D(s, k.dfilter, K*c.ci, 1, winoDfilterPC{DW: dw.Arg(), DU: tdu.Arg(), Q: u32(K * c.ci), KG: u32(c.co), CG: u32(c.ci), Trans: u32(i)})
				}
			})
			compare(t, name+" input", tv.floats(), wantV, tol, 1e-6, nil)
			compare(t, name+" output", ty.floats(), wantY, otol, otol, []int{c.n, K, wc.oh, wc.ow})
			compare(t, name+" dout", te.floats(), wantE, dtol, dtol, nil)
			compare(t, name+" dfilter", tdw.floats(), wantDw, 1e-5, 1e-5, nil)
			compare(t, name+" dfilter (du transposed)", tdwT.floats(), wantDwT, 1e-5, 1e-5, nil)
			tx.unchanged("x")
			tmm.unchanged("mm")
			tdy.unchanged("dy")
			tdu.unchanged("du")
		}
	}
}

// The Winograd passes refuse, before dispatching anything, a layer they cannot run and a scratch
// that cannot hold one image.
func TestWinogradRejects(t *testing.T) {
	d, l := setup(t)
	big := out(t, d, 1<<16).Arg()
	small := out(t, d, 100).Arg()
	ok := layers.Conv2D{N: 1, C: 2, H: 5, W: 5, K: 2, R: 3, S: 3, Stride: 1, Pad: 1, Groups: 1}
	stride2, k5, pad3, k7, k5pad5, k53 := ok, ok, ok, ok, ok, ok
	stride2.Stride, k5.R, k5.S, pad3.Pad, k7.R, k7.S = 2, 5, 5, 3, 7, 7
	k5pad5.R, k5pad5.S, k5pad5.Pad, k53.R = 5, 5, 5, 5
	for _, c := range []struct {
		name string
		call func(s *gpu.Seq)
	}{
		{"stride 2", func(s *gpu.Seq) { l.Conv2DForwardWinograd(s, big, big, big, nil, stride2, false, 2, big) }},
		{"7×7", func(s *gpu.Seq) { l.Conv2DBackwardDataWinograd(s, big, big, big, k7, 2, big) }},
		{"5×5 pad 5", func(s *gpu.Seq) { l.Conv2DForwardWinograd(s, big, big, big, nil, k5pad5, false, 2, big) }},
		{"5×3", func(s *gpu.Seq) { l.Conv2DBackwardFilterWinograd(s, big, nil, big, big, k53, 2, big) }},
		{"pad 3", func(s *gpu.Seq) { l.Conv2DBackwardFilterWinograd(s, big, nil, big, big, pad3, 4, big) }},
		{"F(4×4,5×5)", func(s *gpu.Seq) { l.Conv2DForwardWinograd(s, big, big, big, nil, k5, false, 4, big) }},
		{"F(3×3,3×3)", func(s *gpu.Seq) { l.Conv2DBackwardDataWinograd(s, big, big, big, ok, 3, big) }},
		{"small scratch fwd", func(s *gpu.Seq) { l.Conv2DForwardWinograd(s, big, big, big, nil, ok, false, 2, small) }},
		{"small scratch filter", func(s *gpu.Seq) { l.Conv2DBackwardFilterWinograd(s, big, nil, big, big, ok, 4, small) }},
		{"no scratch", func(s *gpu.Seq) { l.Conv2DBackwardDataWinograd(s, big, big, big, ok, 4, nil) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := recorded(t, d, func(s *gpu.Seq) {
				defer func() {
					if msg, isStr := recover().(string); !isStr || !strings.HasPrefix(msg, "vk: ") {
						t.Errorf("recording did not panic with a vk: message")
					}
				}()
				c.call(s)
			})
			if n := len(s.Log); n != 2 {
				t.Errorf("the sequence logged %d commands, want 2 (no dispatch): %v", n, s.Log)
			}
		})
	}
	if WinogradOK(stride2) || WinogradOK(k7) || WinogradOK(pad3) || WinogradOK(k5pad5) || WinogradOK(k53) || !WinogradOK(ok) || !WinogradOK(k5) {
		t.Error("WinogradOK wrong")
	}
	if !slices.Equal(WinogradTiles(ok), []int{2, 4}) || !slices.Equal(WinogradTiles(k5), []int{2}) || WinogradTiles(stride2) != nil {
		t.Error("WinogradTiles wrong")
	}
}
