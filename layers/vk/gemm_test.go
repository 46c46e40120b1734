package vk

import (
	"fmt"
	"github.com/alexnet-vk/alexnet/shaders"
	"math"
	"testing"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers/layerstest"
)

func f64(v []float32) []float64 {
	o := make([]float64, len(v))
	for i, x := range v {
		o[i] = float64(x)
	}
	return o
}

func f32(v []float64) []float32 {
	o := make([]float32, len(v))
	for i, x := range v {
		o[i] = float32(x)
	}
	return o
}

// gemmTol: float32 sums of K products of values in [-1, 1] drift by about K·eps·|partial sums|;
// 4e-6·K absolute covers that with margin, while a wrong index or a lost term is off by O(1).
func gemmTol(k int) (atol, rtol float64) { return 4e-6 * float64(k), 1e-5 }

// plainGemm is a row-major C[Z][M][N] = A[Z][M][K]·B[Z][K][N] layout.
func plainGemm(m, n, k, z int) Gemm {
	return Gemm{M: m, N: n, K1: 1, K2: k, ND: n, Z: z,
		SAm: k, SAk2: 1, SAz: m * k, SBk2: n, SBn2: 1, SBz: k * n, SCm: n, SCn2: 1, SCz: m * n}
}

// TestGemmShapes runs every gemm variant the device runs over the table of products.
func TestGemmShapes(t *testing.T) {
	d, _ := setup(t)
	cases := []Gemm{
		plainGemm(1, 1, 1, 1),
		plainGemm(7, 13, 5, 1),
		plainGemm(16, 512, 3, 1),
		plainGemm(17, 513, 33, 2),
		plainGemm(96, 700, 363, 1),
		plainGemm(8, 169, 27, 1),
		plainGemm(16, 169, 27, 1),
		plainGemm(8, 70, 9, 1),
	}
	// Transposed A (column-major) with a row bias, ReLU and accumulation.
	tA := plainGemm(19, 37, 23, 3)
	tA.SAm, tA.SAk2, tA.Bias, tA.SBiasZ, tA.ReLU, tA.Accumulate = 1, 19, RowBias, 19, true, true
	cases = append(cases, tA)
	// Transposed B with a column bias.
	tB := plainGemm(5, 70, 9, 1)
	tB.SBk2, tB.SBn2, tB.Bias = 1, 9, ColBias
	cases = append(cases, tB)
	// Several row and column tiles of every variant with ragged edges (the gpu variant's 128×128 too),
	// and A along m with B along k (the GPU tiles' other load order) over k1 blocks with gaps.
	cases = append(cases, plainGemm(200, 300, 70, 2))
	cases = append(cases, Gemm{M: 150, N: 140, K1: 3, K2: 13, ND: 140, Z: 1,
		SAm: 1, SAk2: 150, SAk1: 150*13 + 5, SBn2: 3 * 13, SBk1: 13, SBk2: 1, SCm: 140, SCn2: 1})
	// Long k over few tiles with an epilogue, which the GPU variants split themselves (Variant.AutoSplit;
	// the reduce pass then adds the bias, C and applies ReLU), on the wide and the narrow kernel.
	ls := plainGemm(20, 150, 1024, 1)
	ls.Bias, ls.ReLU = ColBias, true
	lr := plainGemm(9, 40, 777, 1)
	lr.Bias, lr.SBiasZ, lr.Accumulate = RowBias, 9, true
	ln := plainGemm(30, 20, 600, 1)
	ln.Bias = ColBias
	cases = append(cases, ls, lr, ln)
	// Columns spanning 3 "images" of 10 positions with a gap, k split over 4×6.
	sp := Gemm{M: 11, N: 30, K1: 4, K2: 6, ND: 10, Z: 1,
		SAm: 24, SAk1: 6, SAk2: 1, SBk1: 6 * 10, SBk2: 10, SBn1: 4 * 6 * 10, SBn2: 1, SCm: 10, SCn1: 11*10 + 5, SCn2: 1}
	cases = append(cases, sp)
	// Split-K (accumulating into C) on the narrow kernel and on the wide one.
	sk := sp
	sk.SCn1, sk.Splits, sk.Accumulate = 10, 3, true
	sk.SCm = 30
	cases = append(cases, sk)
	sw := plainGemm(20, 600, 1, 1)
	sw.K1, sw.K2, sw.SAk1, sw.SAk2, sw.SBk1, sw.SBk2 = 7, 5, 5, 1, 5*600, 600
	sw.SAm, sw.SAz = 35, 0
	sw.Splits = 4
	cases = append(cases, sw)
	// Long k runs as several dispatches (Lib.Panel, 512 KiB here): the bias goes in once, ReLU on
	// the last, and an accumulating product adds C once.
	kb := plainGemm(20, 600, 301, 1)
	kb.Bias, kb.SBiasZ, kb.ReLU = RowBias, 20, true
	cases = append(cases, kb)
	kc := plainGemm(9, 530, 517, 2)
	kc.Bias, kc.SBiasZ, kc.Accumulate = ColBias, 530, true
	cases = append(cases, kc)
	const panel = 512 << 10
	for _, v := range everyVariant(t) {
		defer func(l *Lib, p int) { l.Panel = p }(v.lib, v.lib.Panel)
		v.lib.Panel = panel
	}
	for _, g := range cases[len(cases)-2:] {
		if g.kBlock(tileCols, panel) >= g.K2 {
			t.Fatalf("the long-k cases no longer split: kBlock %d of %d", g.kBlock(tileCols, panel), g.K2)
		}
	}
	// Several k1 (conv backward-filter's images) run in blocks of whole k1 slices the same way.
	k1 := Gemm{M: 20, N: 600, K1: 7, K2: 300, ND: 600, Z: 1, SAm: 7 * 300, SAk1: 300, SAk2: 1,
		SBk1: 300 * 600, SBk2: 600, SBn2: 1, SCm: 600, SCn2: 1, Bias: RowBias, SBiasZ: 20, ReLU: true}
	k1a := k1
	k1a.Bias, k1a.ReLU, k1a.Accumulate = ColBias, false, true
	k1a.SBiasZ = 600
	cases = append(cases, k1, k1a)
	if kc := k1.k1Block(tileCols, panel); kc >= k1.K1 {
		t.Fatalf("the several-k1 cases no longer split: k1Block %d of %d", kc, k1.K1)
	}
	for i, g := range cases {
		t.Run(fmt.Sprintf("%d_M%dN%dK%dx%dZ%d", i, g.M, g.N, g.K1, g.K2, g.Z), func(t *testing.T) {
			na, nb, nc, nbias := g.span()
			a, b := layerstest.Rand(na, uint64(i+1)), layerstest.Rand(nb, uint64(i+100))
			var bias []float32
			if nbias > 0 {
				bias = layerstest.Rand(nbias, uint64(i+200))
			}
			c0 := layerstest.Rand(nc, uint64(i+300))
			want := f64(c0)
			gemmRef(want, f64(a), f64(b), f64(bias), g)
			for _, v := range everyVariant(t) {
				t.Run(v.name, func(t *testing.T) { checkGemm(t, d, v.lib, g, a, b, bias, c0, want) })
			}
		})
	}
}

// checkGemm runs g on l with operands a, b, bias (nil: none) and C starting as c0 (as NaN unless
// g accumulates), and compares C with want; A and B must be unchanged and elements of C outside
// the product untouched.
func checkGemm(t *testing.T, d *gpu.Device, l *Lib, g Gemm, a, b, bias, c0 []float32, want []float64) {
	t.Helper()
	_, _, nc, _ := g.span()
	ta, tb := in(t, d, a), in(t, d, b)
	var tc *tensor
	if g.Accumulate {
		tc = in(t, d, c0)
	} else {
		tc = out(t, d, nc)
	}
	var tbias *tensor
	record(t, d, func(s *gpu.Seq) {
		if bias != nil {
			tbias = in(t, d, bias)
			l.Gemm(s, tc.Arg(), ta.Arg(), tb.Arg(), tbias.Arg(), g)
		} else {
			l.Gemm(s, tc.Arg(), ta.Arg(), tb.Arg(), nil, g)
		}
	})
	got := tc.floats()
	// Elements of C the product does not own must keep their NaN (or initial) value.
	owned := make([]bool, nc)
	for z := 0; z < g.Z; z++ {
		for m := 0; m < g.M; m++ {
			for n := 0; n < g.N; n++ {
				owned[z*g.SCz+m*g.SCm+(n/g.ND)*g.SCn1+(n%g.ND)*g.SCn2] = true
			}
		}
	}
	wantF := f32(want)
	for j := range owned {
		if !owned[j] {
			if !g.Accumulate && !math.IsNaN(float64(got[j])) {
				t.Fatalf("element %d outside the product was written", j)
			}
			got[j], wantF[j] = 0, 0
		}
	}
	atol, rtol := gemmTol(g.K1 * g.K2)
	compare(t, "C", got, wantF, atol, rtol, nil)
	ta.unchanged("A")
	tb.unchanged("B")
}

// gemmKernel picks the column kernel by ⌈N / columns⌉ · (columns per lane + 1) on the register
// tile variants, and the wide or narrow one by N alone on the others.
func TestGemmKernelChoice(t *testing.T) {
	byName := map[string]*Variant{}
	for _, v := range variants {
		byName[v.Name] = v
	}
	for _, name := range []string{"tile", "portable"} {
		v := byName[name]
		wide, narrow := v.Kernels[ProductGemm][0], v.Kernels[ProductGemm][1]
		for _, c := range []struct {
			n    int
			want string
		}{{1, narrow}, {64, narrow}, {65, v.Mid}, {128, v.Mid}, {192, v.Mid}, {256, v.Mid}, {300, wide},
			{384, wide}, {512, wide}, {600, v.Mid}, {2048, wide}} {
			if got, cols := gemmKernel(v, plainGemm(16, c.n, 8, 1)); got != c.want || cols <= 0 {
				t.Errorf("%s, N %d: %s (%d columns), want %s", name, c.n, got, cols, c.want)
			}
		}
		g := plainGemm(16, 4096, 8, 1)
		g.mid = true
		if got, cols := gemmKernel(v, g); got != v.Mid || cols != v.MidCols {
			t.Errorf("%s: an explicit mid product runs %s", name, got)
		}
	}
	v := byName["gpu"]
	if got, _ := gemmKernel(v, plainGemm(16, 192, 8, 1)); got != v.Kernels[ProductGemm][0] {
		t.Errorf("gpu, N 192: %s, want the wide kernel", got)
	}
}

// The implicit backward-filter kernel by output channels and taps per group (its rows and
// columns), by gemmKernel's rule: the narrow one for conv1's few taps, the mid one for 65–256 taps
// at 16 or 32 channels, the wide one for every conv of AlexNet and alexnet-tv (1200 to 3456 taps)
// and at ties (288: alexnet-small's conv4); the three-share kernel where it pads to fewer outputs:
// 24 channels (alexnet-small's conv2, 200 taps, and conv5, 288), 20 or 72, but not with 25 taps
// (the narrow kernel's 64 columns fit better) nor at 48 or 96 channels.
func TestBwdFilterKernelChoice(t *testing.T) {
	var v *Variant
	for _, w := range variants {
		if w.Name == "tile" {
			v = w
		}
	}
	wide, narrow, mid, three := v.BwdFilter[0], v.BwdFilter[1], v.BwdFilter[2], v.BwdFilterThree
	if wide == "" || narrow == "" || mid == "" || three == "" {
		t.Fatalf("tile variant's backward-filter kernels: %q, %q", v.BwdFilter, three)
	}
	for _, c := range []struct {
		kg, qg int
		want   string
	}{{16, 1, narrow}, {16, 25, narrow}, {96, 25, narrow}, {24, 25, narrow}, {16, 64, narrow}, {16, 65, mid},
		{32, 200, mid}, {16, 256, mid}, {32, 288, wide}, {64, 432, wide}, {24, 200, three}, {24, 288, three},
		{20, 200, three}, {72, 1200, three}, {48, 200, mid}, {96, 1200, wide}, {96, 363, wide},
		{48, 1200, wide}, {128, 1600, wide}, {192, 1728, wide}, {128, 2304, wide}, {192, 3456, wide}} {
		got, rows, cols := bwdFilterKernel(v, c.kg, c.qg)
		if got != c.want || rows <= 0 || cols <= 0 {
			t.Errorf("%d channels × %d taps: %s (%d rows, %d columns), want %s", c.kg, c.qg, got, rows, cols, c.want)
		}
		if got == three && (rows != shaders.TileThreeRows || cols != shaders.TileLanes*shaders.TileThreeCols) {
			t.Errorf("%d channels × %d taps: three-share kernel with %d×%d tiles, want %d×%d", c.kg, c.qg, rows, cols,
				shaders.TileThreeRows, shaders.TileLanes*shaders.TileThreeCols)
		}
	}
	for _, w := range variants {
		if w.BwdFilterThree != "" && w.BwdFilter[0] == "" {
			t.Errorf("%s: a three-share backward-filter kernel without the implicit kernels", w.Name)
		}
	}
}

// The conv2d_fwd kernel by output channels per group and positions: the half kernel for at most 8
// channels (alexnet-small's conv2 backward-data, the small-k8 shape), the narrow one for at most 64
// positions whatever the channels, the three-share kernel where it pads to fewer outputs (24
// channels: alexnet-small's conv2 and conv5 forward; 17–24 and 65–72), the wide one otherwise
// (9–16 channels, 48, 96); variants without a half or three-share kernel never pick one.
func TestConvKernelChoice(t *testing.T) {
	for _, v := range variants {
		wide, narrow := v.Kernels[ProductConv][0], v.Kernels[ProductConv][1]
		for _, c := range []struct {
			kg, cols int
			want     string
			rows     int
		}{{8, 5408, v.ConvHalf, v.Rows / 2}, {1, 65, v.ConvHalf, v.Rows / 2}, {v.Rows/2 + 1, 5408, wide, v.Rows},
			{96, 5408, wide, v.Rows}, {48, 1152, wide, v.Rows}, {8, v.NarrowCols, narrow, v.Rows}, {96, 1, narrow, v.Rows},
			{24, 5408, v.ConvThree, v.ThreeRows}, {24, 1152, v.ConvThree, v.ThreeRows}, {17, 65, v.ConvThree, v.ThreeRows},
			{72, 729, v.ConvThree, v.ThreeRows}, {24, v.NarrowCols, narrow, v.Rows}} {
			if c.want == "" { // the variant has no such kernel
				c.want, c.rows = wide, v.Rows
			}
			name, rows, cols := convKernel(v, c.kg, c.cols)
			if name != c.want || rows != c.rows || cols <= 0 {
				t.Errorf("%s, %d channels × %d positions: %s (%d rows, %d columns), want %s (%d rows)", v.Name, c.kg, c.cols, name, rows, cols, c.want, c.rows)
			}
		}
	}
	for _, v := range variants {
		if v.Name == "tile" && (v.ConvHalf == "" || v.ConvThree == "") {
			t.Error("the tile variant has no half or three-share conv kernel")
		}
	}
}
