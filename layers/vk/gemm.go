package vk

import (
	"fmt"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/shaders"
)

// Gemm describes one strided batched matrix product, the shared engine of conv2d and linear:
//
//	C[z][m, n] = op(Σ_{k1<K1, k2<K2} A[z·SAz + m·SAm + k1·SAk1 + k2·SAk2] · B[z·SBz + k1·SBk1 + k2·SBk2 + n1·SBn1 + n2·SBn2])
//
// with n = n1·ND + n2 (columns may span images), C at z·SCz + m·SCm + n1·SCn1 + n2·SCn2, and
// op adding a bias per row or column, C's previous value (Accumulate), then ReLU. Strides count
// float32 elements.
type Gemm struct {
	M, N, K1, K2, ND, Z         int
	SAm, SAk1, SAk2, SAz        int
	SBk1, SBk2, SBn1, SBn2, SBz int
	SCm, SCn1, SCn2, SCz        int
	Bias                        BiasMode
	SBiasZ                      int
	Accumulate, ReLU            bool
	// Splits > 1 divides the k1 range among that many workgroup layers (split-K) whose partial
	// products a second pass sums in order (and to which it applies the epilogue): for products
	// with few outputs and a long k (conv backward-filter). C must then be the contiguous range
	// [0, Z·M·N), and a Bias or ReLU needs Z = 1 and C laid out [M][N]. Left 0, the Lib may split
	// a product itself where its variant asks (Variant.AutoSplit); 1 never splits.
	Splits int
	// mid runs the product on the variant's Mid kernel (LinearForward's transposed form).
	mid bool
}

// BiasMode says whether the bias is indexed by row, by column, or absent.
type BiasMode int

const (
	NoBias BiasMode = iota
	RowBias
	ColBias
)

// gemmPC mirrors gemm_push.glsl: the push constants of every gemm kernel variant.
type gemmPC struct {
	C, A, B, Bias          gpu.Arg
	M, N, K1, K2, ND       uint32
	SAm, SAk1, SAk2        uint32
	SBk1, SBk2, SBn1, SBn2 uint32
	SCm, SCn1, SCn2        uint32
	SAz, SBz, SCz, SBiasZ  uint32
	Flags                  uint32
	Splits, SCs            uint32 // split-K: the number of splits, and floats between their partial products
}

var kGemmReduce = register("gemm_reduce", gemmReducePC{})

// gemmReducePC mirrors gemm_reduce.comp's push constants.
type gemmReducePC struct {
	C, Part, Bias          gpu.Arg
	N, Splits, Flags, Cols uint32
}

func (g Gemm) flags() uint32 {
	f := uint32(0)
	switch g.Bias {
	case RowBias:
		f |= shaders.FlagRowBias
	case ColBias:
		f |= shaders.FlagColBias
	}
	if g.Accumulate {
		f |= shaders.FlagAccumulate
	}
	if g.ReLU {
		f |= shaders.FlagRelu
	}
	// Layout hints for the GPU-shaped kernels (the others ignore them): load each operand's tile
	// along its contiguous dimension, the one with the smaller stride.
	if g.M > 1 && (g.K2 == 1 || g.SAm < g.SAk2) {
		f |= shaders.FlagAmContig
	}
	if g.K2 > 1 && (g.N == 1 || g.SBk2 < g.SBn2) {
		f |= shaders.FlagBkContig
	}
	return f
}

// push returns the push constants of g's dispatch with operands c, a, b and bias.
func (g Gemm) push(c, a, b, bias gpu.Arg, splits, scs int) gemmPC {
	return gemmPC{C: c, A: a, B: b, Bias: bias,
		M: u32(g.M), N: u32(g.N), K1: u32(g.K1), K2: u32(g.K2), ND: u32(g.ND),
		SAm: u32(g.SAm), SAk1: u32(g.SAk1), SAk2: u32(g.SAk2),
		SBk1: u32(g.SBk1), SBk2: u32(g.SBk2), SBn1: u32(g.SBn1), SBn2: u32(g.SBn2),
		SCm: u32(g.SCm), SCn1: u32(g.SCn1), SCn2: u32(g.SCn2),
		SAz: u32(g.SAz), SBz: u32(g.SBz), SCz: u32(g.SCz), SBiasZ: u32(g.SBiasZ),
		Flags: g.flags(), Splits: u32(splits), SCs: u32(scs)}
}

// span returns the largest element index (plus one) the product touches in A, B, C and the bias.
func (g Gemm) span() (a, b, c, bias int) {
	n1, n2 := (g.N-1)/g.ND, min(g.N-1, g.ND-1)
	a = (g.Z-1)*g.SAz + (g.M-1)*g.SAm + (g.K1-1)*g.SAk1 + (g.K2-1)*g.SAk2 + 1
	b = (g.Z-1)*g.SBz + (g.K1-1)*g.SBk1 + (g.K2-1)*g.SBk2 + n1*g.SBn1 + n2*g.SBn2 + 1
	c = (g.Z-1)*g.SCz + (g.M-1)*g.SCm + n1*g.SCn1 + n2*g.SCn2 + 1
	switch g.Bias {
	case RowBias:
		bias = (g.Z-1)*g.SBiasZ + g.M
	case ColBias:
		bias = (g.Z-1)*g.SBiasZ + g.N
	}
	return
}

func (g Gemm) check(c, a, b, bias gpu.Arg) {
	if g.M <= 0 || g.N <= 0 || g.K1 <= 0 || g.K2 <= 0 || g.ND <= 0 || g.Z <= 0 {
		panic(fmt.Sprintf("vk: gemm with empty dimension %+v", g))
	}
	na, nb, nc, nbias := g.span()
	for _, x := range []struct {
		name string
		arg  gpu.Arg
		n    int
	}{{"A", a, na}, {"B", b, nb}, {"C", c, nc}, {"bias", bias, nbias}} {
		if x.n > 0 && (x.arg == nil || gpu.Avail(x.arg) < int64(x.n)*4) {
			panic(fmt.Sprintf("vk: gemm operand %s too small: needs %d floats", x.name, x.n))
		}
	}
}

// Gemm records C = op(A·B) on s. bias may be nil when g.Bias is NoBias.
func (l *Lib) Gemm(s *gpu.Seq, c, a, b, bias gpu.Arg, g Gemm) {
	g.check(c, a, b, bias)
	if bias == nil {
		bias = a // never read; the kernel still needs a valid address
	}
	v := l.Choice.Of(ProductGemm)
	if g.mid && v.Mid == "" {
		panic(fmt.Sprintf("vk: gemm on the mid kernel, which variant %s lacks", v.Name))
	}
	name, cols := gemmKernel(v, g)
	if g.Splits == 0 && v.AutoSplit {
		g = g.autoSplit(v, cols)
	}
	splits := max(g.Splits, 1)
	if kc := g.k1Block(cols, l.Panel); kc < g.K1 { // k1 in blocks of whole k2 ranges
		l.gemmBlocks(s, c, a, b, bias, g, g.K1, kc, g.SAk1, g.SBk1, func(gk *Gemm, n int) { gk.K1 = n })
		return
	}
	if kc := g.kBlock(cols, l.Panel); kc < g.K2 {
		l.gemmBlocks(s, c, a, b, bias, g, g.K2, kc, g.SAk2, g.SBk2, func(gk *Gemm, n int) { gk.K2 = n })
		return
	}
	out, outSplit := c, 0
	if splits > 1 {
		if (g.Bias != NoBias || g.ReLU) && !g.plainC() {
			panic("vk: split-K gemm with a bias or ReLU epilogue and C not laid out [M][N]")
		}
		_, _, outSplit, _ = g.span()
		out = l.partials(splits * outSplit)
	}
	grid := gpu.Grid{X: gpu.DivUp(g.M, v.Rows), Y: gpu.DivUp(g.N, cols), Z: g.Z * splits}
	s.Dispatch(l.kernel(name), grid, g.push(out, a, b, bias, splits, outSplit))
	if splits > 1 {
		l.dispatch1D(s, kGemmReduce, outSplit, shaders.ReducePerLane,
			gemmReducePC{C: c, Part: out, Bias: bias, N: u32(outSplit), Splits: u32(splits),
				Flags: g.flags() & (shaders.FlagAccumulate | shaders.FlagBias | shaders.FlagRelu), Cols: u32(g.N)})
	}
}

// gemmBlocks records g as several dispatches over blocks of kc of a k range of length n (k1 or k2;
// set gives a block's copy of g its length), A and B offset by sa and sb floats per k: the first
// block writes C (with the bias, or adding to C when accumulating), later ones add to it, the last
// applies ReLU.
func (l *Lib) gemmBlocks(s *gpu.Seq, c, a, b, bias gpu.Arg, g Gemm, n, kc, sa, sb int, set func(gk *Gemm, n int)) {
	for k0 := 0; k0 < n; k0 += kc {
		gk := g
		set(&gk, min(kc, n-k0))
		gk.Accumulate = g.Accumulate || k0 > 0
		gk.ReLU = g.ReLU && k0+kc >= n
		if k0 > 0 {
			gk.Bias = NoBias
		}
		l.Gemm(s, c, gpu.Offset(a, int64(k0*sa)*4), gpu.Offset(b, int64(k0*sb)*4), bias, gk)
	}
}

// DefaultPanel is Lib.Panel on a CPU device whose L2 size is unknown.
const DefaultPanel = 1 << 20

// kBlock returns the k2 range per dispatch for a tile of cols columns: all of K2, or less when the
// B panel (cols columns × the k range) would pass panel bytes; single-pass products only (K1 == 1,
// no split-K), and never when panel is 0.
func (g Gemm) kBlock(cols, panel int) int {
	if panel <= 0 || g.K1 > 1 || g.Splits > 1 || cols*g.K2*4 <= panel {
		return g.K2
	}
	n := gpu.DivUp(cols*g.K2*4, panel)
	return gpu.DivUp(g.K2, n) // n even blocks
}

// k1Block is kBlock for products with several k1 (conv backward-filter: k1 runs over images):
// all of K1, or whole k1 slices per dispatch so the panel (cols × the k1 block × K2) stays within
// panel bytes where one slice does (one slice per dispatch where it does not); not for split-K.
func (g Gemm) k1Block(cols, panel int) int {
	per := cols * g.K2 * 4
	if panel <= 0 || g.K1 == 1 || g.Splits > 1 || g.K1*per <= panel {
		return g.K1
	}
	n := gpu.DivUp(g.K1*per, panel)
	return gpu.DivUp(g.K1, min(n, g.K1)) // n even blocks
}

// gemmKernel returns the kernel of variant v that runs g and its columns per workgroup: the mid
// kernel where g asks for it; else the narrow one for at most NarrowCols columns; else, on a
// LaneColumns variant with a mid kernel, whichever of the three costs least by
// ⌈N / columns⌉ · (columns per lane + 1), a workgroup's work per k step (each lane's columns of
// B, plus about one column's worth for the rows of A it loads and shares): the wide kernel's 512
// columns leave most lanes idle at the 192, 256 or 384 columns of the conv backward-filter
// products (Winograd's α² products over ci or co). Measured on lavapipe (2 cores, AVX-512,
// M 256, K 2048, Z 8; GFLOP/s wide/mid/narrow): N 128: 15/29/18, 192: 21/24/15, 256: 18/21/15,
// 384: 24/22/15, 512: 28/20/13, 100: 8/18/12; the model picks the fastest in each. Otherwise
// the wide kernel (and the narrow one at most NarrowCols columns).
func gemmKernel(v *Variant, g Gemm) (name string, cols int) {
	if g.mid {
		return v.Mid, v.MidCols
	}
	return v.columnKernel(g.N, v.Kernels[ProductGemm][0], v.Kernels[ProductGemm][1], v.Mid)
}

// columnKernel picks among a product's wide, narrow and mid kernels (mid may be "") for n columns
// of output, by gemmKernel's rule: narrow for at most NarrowCols columns; else, on a LaneColumns
// variant with a mid kernel, whichever costs least by ⌈n / columns⌉ · (columns per lane + 1);
// else wide.
func (v *Variant) columnKernel(n int, wide, narrow, mid string) (name string, cols int) {
	if n <= v.NarrowCols {
		return narrow, v.NarrowCols
	}
	if !v.LaneColumns || mid == "" {
		return wide, v.Cols
	}
	lanes := v.NarrowCols // the narrow kernel has one column per lane
	cost := func(cols int) int { return gpu.DivUp(n, cols) * (cols/lanes + 1) }
	name, cols = wide, v.Cols
	for _, k := range []struct {
		name string
		cols int
	}{{mid, v.MidCols}, {narrow, v.NarrowCols}} {
		if cost(k.cols) < cost(cols) {
			name, cols = k.name, k.cols
		}
	}
	return name, cols
}

// threeBeats reports whether v's three-share tiles (ThreeRows × ThreeCols outputs per workgroup)
// suit an m×n product better than tiles of rows × cols: where m pads to fewer rows in tiles of
// ThreeRows (17–24 rows: 24 against 32; 65–72), and the whole product to fewer outputs (not where
// the other kernel's columns fit n much better, as a narrow kernel's 64 for 25 taps). Where both
// fit m exactly (48, 96) or the Rows-row tile fits better (64, 128, 192), the wider tile, with
// twice the columns per lane, keeps it.
func (v *Variant) threeBeats(m, n, rows, cols int) bool {
	pad := func(x, t int) int { return gpu.DivUp(x, t) * t }
	return v.ThreeRows > 0 && pad(m, v.ThreeRows) < pad(m, rows) &&
		pad(m, v.ThreeRows)*pad(n, v.ThreeCols) < pad(m, rows)*pad(n, cols)
}

// splitsFor returns a split-K factor that gives a product at least about the chosen gemm variant's
// Workgroups (a CPU's cores, or a GPU's many compute units, kept busy), bounded by the k1 range
// and by maxPartials floats of partial products.
func (l *Lib) splitsFor(g Gemm) int {
	v := l.Choice.Of(ProductGemm)
	_, cols := gemmKernel(v, g)
	groups := gpu.DivUp(g.N, cols) * gpu.DivUp(g.M, v.Rows) * g.Z
	_, _, outs, _ := g.span()
	return max(1, min(g.K1, v.Workgroups/max(groups, 1), maxPartials/outs))
}

// maxPartials bounds the scratch of split-K partial products (64 MiB).
const maxPartials = 16 << 20

// partials returns a scratch buffer of at least floats for split-K partial products. Buffers are
// kept until Free, since recorded sequences go on using them.
func (l *Lib) partials(floats int) gpu.Arg {
	if l.part == nil || l.part.Size() < int64(floats)*4 {
		b, err := l.Dev.NewBuffer("gemm.partials", int64(floats)*4, gpu.DeviceMemory)
		if err != nil {
			panic(fmt.Sprintf("vk: split-K scratch of %d floats: %v", floats, err))
		}
		l.part = b
		l.owned = append(l.owned, b)
	}
	return l.part
}

// Flops returns the multiply-adds of the product times two.
func (g Gemm) Flops() int64 {
	return 2 * int64(g.M) * int64(g.N) * int64(g.K1) * int64(g.K2) * int64(g.Z)
}

// gemmRef is the CPU reference of the gemm kernel: the formula on Gemm, in plain loops.
func gemmRef[T float32 | float64](c, a, b, bias []T, g Gemm) {
	for z := 0; z < g.Z; z++ {
		for m := 0; m < g.M; m++ {
			for n := 0; n < g.N; n++ {
				n1, n2 := n/g.ND, n%g.ND
				var v T
				for k1 := 0; k1 < g.K1; k1++ {
					for k2 := 0; k2 < g.K2; k2++ {
						v += a[z*g.SAz+m*g.SAm+k1*g.SAk1+k2*g.SAk2] * b[z*g.SBz+k1*g.SBk1+k2*g.SBk2+n1*g.SBn1+n2*g.SBn2]
					}
				}
				switch g.Bias {
				case RowBias:
					v += bias[z*g.SBiasZ+m]
				case ColBias:
					v += bias[z*g.SBiasZ+n]
				}
				ci := z*g.SCz + m*g.SCm + n1*g.SCn1 + n2*g.SCn2
				if g.Accumulate {
					v += c[ci]
				}
				if g.ReLU && v < 0 {
					v = 0
				}
				c[ci] = v
			}
		}
	}
}
