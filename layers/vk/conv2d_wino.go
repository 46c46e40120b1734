package vk

import (
	"fmt"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers"
	"github.com/alexnet-vk/alexnet/shaders"
)

// Winograd F(2×2,3×3) convolution (Lavin & Gray, 2016) for 3×3 filters at stride 1: each 2×2 output
// tile is Aᵀ·[(G·g·Gᵀ) ⊙ (Bᵀ·d·B)]·A over the 4×4 input tile d, so the C·9 multiply-adds per output
// become C·16/4 = C·4 in 16 batched gemms (one per element ξ,ν of the 4×4 transformed tile, and per
// group) through the product kernels the Lib chose, between a filter transform, an input transform
// and an output transform (conv2d_wino_*.comp). Backward-data is the same convolution of dy with the
// flipped, transposed filters (padded by 2 − pad); backward-filter is its adjoint: dw = Gᵀ·[Σ_tiles
// (A·δ·Aᵀ) ⊙ (Bᵀ·d·B)]·G. Its transforms have entries 0, ±½, ±1, so fp32 rounding grows by a small
// constant over the direct convolution (see winoTol in the tests).
//
// Winograd F(2×2,5×5) does the same for 5×5 filters at stride 1, and F(4×4,3×3) for 3×3 filters in
// 4×4 output tiles; both work on 6×6 input tiles with interpolation points 0, ±1, ±2, ∞ and share
// Bᵀ (conv2d_wino5_*.comp and conv2d_wino43_*.comp: one source per kernel, shaders/conv2d_wino6_*.glsl,
// matrices in shaders/conv2d_wino6.glsl; wino5 and wino43 in conv2d_wino_ref.go):
//
//	Bᵀ = [[4,0,−5,0,1,0], [0,−4,−4,1,1,0], [0,4,−4,−1,1,0], [0,−2,−1,2,1,0], [0,2,−1,−2,1,0], [0,4,0,−5,0,1]]
//	F(2×2,5×5): G = [[¼,0,0,0,0], [−⅙,−⅙,−⅙,−⅙,−⅙], [−⅙,⅙,−⅙,⅙,−⅙], [1/24,1/12,⅙,⅓,⅔], [1/24,−1/12,⅙,−⅓,⅔], [0,0,0,0,1]]
//	            Aᵀ = [[1,1,1,1,1,0], [0,1,−1,2,−2,1]]
//	F(4×4,3×3): G = [[¼,0,0], [−⅙,−⅙,−⅙], [−⅙,⅙,−⅙], [1/24,1/12,⅙], [1/24,−1/12,⅙], [0,0,1]]
//	            Aᵀ = [[1,1,1,1,1,0], [0,1,−1,2,−2,0], [0,1,1,4,4,0], [0,1,−1,8,−8,1]]
//
// F(2×2,5×5): C·25 multiply-adds per output become C·36/4 = C·9 in 36 batched gemms; F(4×4,3×3):
// C·9 become C·36/16 = C·2.25 (against F(2×2,3×3)'s C·4). Their transforms have larger entries (Bᵀ
// up to 5, row sums up to 10; F(4×4)'s Aᵀ up to 8), so their fp32 error is larger than
// F(2×2,3×3)'s: see wino5Tol and wino43Tol in the tests for the bounds and what was measured (at
// most 0.17 and 0.14 of the direct tolerance, against 0.02). F(4×4) tiles waste more of a 13×13 map
// ((16/13)² = 51 % against (14/13)² = 16 %), but 16 tiles × 36 products = 576 per channel pair
// against 49 × 16 = 784 still come out 27 % fewer, with smaller transformed inputs. On lavapipe
// (2 shared cores; go test -bench 'BenchmarkConv2D/alexnet-tv/conv[3-5]/b128/' -benchtime 2x,
// 19:04–19:08 UTC, one process) the ms per pass direct / F(2×2) / F(4×4) were conv3 fwd
// 970/754/350, data 541/889/454, filter 616/611/479; conv4 fwd 3054/2436/841, data 2429/1564/941,
// filter 2621/1585/850; conv5 fwd 1044/591/506, data 1060/636/494, filter 955/946/350. F(2×2,5×5)
// on conv2 at batch 128 took 1441 against 1747 CPU-ms forward, 1453 against 1876 backward-data and
// 2305 against 2309 backward-filter. --conv-algo auto times direct and the forms train's autoTiles
// names at start-up.
var winoKernels = map[winoForm]winoKern{
	{2, 3}: {register("conv2d_wino_filter", winoFilterPC{}), register("conv2d_wino_input", winoInputPC{}),
		register("conv2d_wino_output", winoOutputPC{}), register("conv2d_wino_dout", winoDoutPC{}),
		register("conv2d_wino_dfilter", winoDfilterPC{})},
	{2, 5}: {register("conv2d_wino5_filter", winoFilterPC{}), register("conv2d_wino5_input", winoInputPC{}),
		register("conv2d_wino5_output", winoOutputPC{}), register("conv2d_wino5_dout", winoDoutPC{}),
		register("conv2d_wino5_dfilter", winoDfilterPC{})},
	{4, 3}: {register("conv2d_wino43_filter", winoFilterPC{}), register("conv2d_wino43_input", winoInputPC{}),
		register("conv2d_wino43_output", winoOutputPC{}), register("conv2d_wino43_dout", winoDoutPC{}),
		register("conv2d_wino43_dfilter", winoDfilterPC{})},
}

// winoForm is the Winograd form F(m×m, r×r): m×m output tiles of r×r filters.
type winoForm struct{ m, r int }

// winoKern names the five kernels of one Winograd form.
type winoKern struct{ filter, input, output, dout, dfilter string }

// The push constants of the Winograd kernels, mirroring their shaders' blocks.
type (
	winoFilterPC struct {
		U, W           gpu.Arg
		G, M, Kc, Flip uint32
	}
	winoInputPC struct {
		V, X                    gpu.Arg
		N, C, H, W, Pad, TH, TW uint32
	}
	winoOutputPC struct {
		Y, MM, Bias                 gpu.Arg
		N, K, OH, OW, TH, TW, Flags uint32
	}
	winoDoutPC struct {
		E, DY                gpu.Arg
		N, K, OH, OW, TH, TW uint32
	}
	winoDfilterPC struct {
		DW, DU           gpu.Arg
		Q, KG, CG, Trans uint32
	}
)

// WinogradOK reports whether a Winograd path runs p: 3×3 or 5×5 filters (R × R), stride 1, padding
// at most R − 1 (backward-data pads dy by R − 1 − pad). Such a p runs F(2×2,R×R) (tile 2) and,
// with 3×3 filters, F(4×4,3×3) (tile 4): see WinogradTiles.
func WinogradOK(p layers.Conv2D) bool {
	return (p.R == 3 || p.R == 5) && p.S == p.R && p.Stride == 1 && p.Pad <= p.R-1
}

// WinogradNeeds describes the layers WinogradOK accepts, for error messages and help texts.
const WinogradNeeds = "3×3 or 5×5 filters, stride 1 and pad ≤ 2 (3×3) or ≤ 4 (5×5)"

// WinogradTiles returns the output tile sides m of the Winograd forms F(m×m,R×R) that run p: 2,
// and 4 for 3×3 filters (none when WinogradOK(p) is false).
func WinogradTiles(p layers.Conv2D) []int {
	switch {
	case !WinogradOK(p):
		return nil
	case p.R == 3:
		return []int{2, 4}
	}
	return []int{2}
}

func mustWinograd(p layers.Conv2D, m int) {
	if !WinogradOK(p) {
		panic(fmt.Sprintf("vk: Winograd conv2d needs %s, not %+v", WinogradNeeds, p))
	}
	if _, ok := winoKernels[winoForm{m, p.R}]; !ok {
		panic(fmt.Sprintf("vk: no Winograd form F(%d×%d,%d×%d) (tiles 2 for 3×3 and 5×5 filters, 4 for 3×3)", m, m, p.R, p.R))
	}
}

// winoConv is one Winograd convolution of r×r filters in m×m output tiles: images of g groups of
// ci input channels of h×w, padded by pad, into g groups of co output channels of oh×ow.
type winoConv struct{ m, r, g, ci, co, h, w, pad, oh, ow int }

// tile returns the elements of one transformed tile, α² = (m + r − 1)².
func (c winoConv) tile() int { return (c.m + c.r - 1) * (c.m + c.r - 1) }

// tiles returns the m×m output tiles of one image per row (th) and column (tw).
func (c winoConv) tiles() (th, tw int) { return (c.oh + c.m - 1) / c.m, (c.ow + c.m - 1) / c.m }

// kern returns c's kernels.
func (c winoConv) kern() winoKern { return winoKernels[winoForm{c.m, c.r}] }

// fwdWino and dataWino are forward's and backward-data's convolutions of p in m×m tiles.
func fwdWino(p layers.Conv2D, m int) winoConv {
	return winoConv{m: m, r: p.R, g: p.Groups, ci: p.C / p.Groups, co: p.K / p.Groups, h: p.H, w: p.W, pad: p.Pad, oh: p.OutH(), ow: p.OutW()}
}

func dataWino(p layers.Conv2D, m int) winoConv {
	return winoConv{m: m, r: p.R, g: p.Groups, ci: p.K / p.Groups, co: p.C / p.Groups, h: p.OutH(), w: p.OutW(), pad: p.R - 1 - p.Pad, oh: p.H, ow: p.W}
}

func align16(n int) int { return (n + 15) / 16 * 16 }

// winoSizes returns the scratch floats a Winograd pass of c keeps for the whole batch (the
// transformed filters or their gradient) and needs per image (its transformed input and output).
func (c winoConv) sizes() (fixed, per int) {
	th, tw := c.tiles()
	a := c.tile()
	return align16(a * c.g * c.co * c.ci), a * c.g * (c.ci + c.co) * th * tw
}

// WinogradFloats returns the scratch floats the Winograd passes of p need to run n images at once
// (the largest of forward, backward-data and backward-filter, over every form of WinogradTiles;
// fewer images run in chunks).
func WinogradFloats(p layers.Conv2D, n int) int {
	most := 0
	for _, m := range WinogradTiles(p) {
		for _, c := range []winoConv{fwdWino(p, m), dataWino(p, m)} { // backward-filter's needs are forward's
			fixed, per := c.sizes()
			most = max(most, fixed+n*per+32) // + alignment of the two per-chunk regions
		}
	}
	return most
}

// winoChunk returns how many of n images one pass of a scratch of avail bytes holds.
func winoChunk(fixed, per, n int, scratch gpu.Arg) int {
	avail := -1
	if scratch != nil {
		avail = int(gpu.Avail(scratch)/4) - fixed - 32
	}
	if avail < per {
		panic(fmt.Sprintf("vk: Winograd conv2d scratch too small: needs %d floats for one image", fixed+per+32))
	}
	return min(n, avail/per)
}

// Conv2DForwardWinograd records y = conv(x, w) + b (ReLU fused when relu), as layers.Conv2DForward,
// by Winograd F(m×m,R×R) (m one of WinogradTiles(p)) through scratch (WinogradFloats; fewer images
// at a time when smaller). b may be nil.
func (l *Lib) Conv2DForwardWinograd(s *gpu.Seq, y, x, w, b gpu.Arg, p layers.Conv2D, relu bool, m int, scratch gpu.Arg) {
	checkConv(p, x, w, y)
	mustWinograd(p, m)
	var flags uint32
	if b != nil {
		mustFit("conv2d b", b, p.K)
		flags |= shaders.FlagRowBias
	} else {
		b = w // never read
	}
	if relu {
		flags |= shaders.FlagRelu
	}
	l.winograd(s, y, x, w, b, fwdWino(p, m), false, flags, p.N, scratch)
}

// Conv2DBackwardDataWinograd records dx = ∂L/∂x (overwritten), as layers.Conv2DBackwardData, as the
// Winograd convolution F(m×m,R×R) of dy padded by R − 1 − pad with the flipped, transposed filters.
func (l *Lib) Conv2DBackwardDataWinograd(s *gpu.Seq, dx, dy, w gpu.Arg, p layers.Conv2D, m int, scratch gpu.Arg) {
	checkConv(p, dx, w, dy)
	mustWinograd(p, m)
	l.winograd(s, dx, dy, w, w, dataWino(p, m), true, 0, p.N, scratch)
}

// winograd records the Winograd convolution c of n images of x into y: the filter transform of w
// (flipped and transposed when flip) into the head of scratch, then per chunk of images the input
// transform, the α²·g products and the output transform (with the epilogue flags and bias).
func (l *Lib) winograd(s *gpu.Seq, y, x, w, b gpu.Arg, c winoConv, flip bool, flags uint32, n int, scratch gpu.Arg) {
	fixed, per := c.sizes()
	nc := winoChunk(fixed, per, n, scratch)
	th, tw := c.tiles()
	a, k := c.tile(), c.kern()
	l.dispatch1D(s, k.filter, c.g*c.co*c.ci, 1, winoFilterPC{U: scratch, W: w, G: u32(c.g), M: u32(c.co), Kc: u32(c.ci), Flip: b32(flip)})
	for n0 := 0; n0 < n; n0 += nc {
		m := min(nc, n-n0)
		t := m * th * tw
		v := gpu.Offset(scratch, int64(fixed)*4)
		mm := gpu.Offset(scratch, int64(fixed+align16(a*c.g*c.ci*t))*4)
		l.dispatch1D(s, k.input, c.g*c.ci*t, 1, winoInputPC{V: v, X: gpu.Offset(x, int64(n0*c.g*c.ci*c.h*c.w)*4),
			N: u32(m), C: u32(c.g * c.ci), H: u32(c.h), W: u32(c.w), Pad: u32(c.pad), TH: u32(th), TW: u32(tw)})
		l.Gemm(s, mm, scratch, v, nil, Gemm{M: c.co, N: t, ND: t, K1: 1, K2: c.ci, Z: a * c.g,
			SAm: c.ci, SAk2: 1, SAz: c.co * c.ci, SBk2: t, SBn2: 1, SBz: c.ci * t, SCm: t, SCn2: 1, SCz: c.co * t})
		l.dispatch1D(s, k.output, c.g*c.co*t, 1, winoOutputPC{Y: gpu.Offset(y, int64(n0*c.g*c.co*c.oh*c.ow)*4), MM: mm, Bias: b,
			N: u32(m), K: u32(c.g * c.co), OH: u32(c.oh), OW: u32(c.ow), TH: u32(th), TW: u32(tw), Flags: flags})
	}
}

// Conv2DBackwardFilterWinograd records dw += ∂L/∂w and db += ∂L/∂b (db may be nil), as
// layers.Conv2DBackwardFilter, as the adjoint of the Winograd forward F(m×m,R×R): per chunk of images the
// input transform of x, the transform A·δ·Aᵀ of dy's tiles and α²·g products summed over the
// tiles into du (the head of scratch), then dw += Gᵀ·du·G.
func (l *Lib) Conv2DBackwardFilterWinograd(s *gpu.Seq, dw, db, dy, x gpu.Arg, p layers.Conv2D, m int, scratch gpu.Arg) {
	checkConv(p, x, dw, dy)
	mustWinograd(p, m)
	c := fwdWino(p, m)
	fixed, per := c.sizes()
	nc := winoChunk(fixed, per, p.N, scratch)
	th, tw := c.tiles()
	tiles := th * tw
	trans := c.co > c.ci
	a, k := c.tile(), c.kern()
	for n0 := 0; n0 < p.N; n0 += nc {
		nm := min(nc, p.N-n0)
		t := nm * tiles
		v := gpu.Offset(scratch, int64(fixed)*4)
		e := gpu.Offset(scratch, int64(fixed+align16(a*p.C*t))*4)
		l.dispatch1D(s, k.input, p.C*t, 1, winoInputPC{V: v, X: gpu.Offset(x, int64(n0*p.C*p.H*p.W)*4),
			N: u32(nm), C: u32(p.C), H: u32(p.H), W: u32(p.W), Pad: u32(p.Pad), TH: u32(th), TW: u32(tw)})
		l.dispatch1D(s, k.dout, p.K*t, 1, winoDoutPC{E: e, DY: gpu.Offset(dy, int64(n0*p.K*c.oh*c.ow)*4),
			N: u32(nm), K: u32(p.K), OH: u32(c.oh), OW: u32(c.ow), TH: u32(th), TW: u32(tw)})
		// du[ξν][z][k][c] (+)= Σ_{image, tile} e[ξν][z][k][t]·v[ξν][z][c][t]: k1 runs over the
		// chunk's images, k2 over one image's tiles, so split-K can share the long sum out. With
		// more output than input channels per group, du is computed transposed ([z][c][k]): the
		// larger count then runs along the product's columns, which wide column tiles (512 on
		// the CPU variants) fill better.
		rows, cols, ra, ca := c.co, c.ci, e, v
		if trans {
			rows, cols, ra, ca = c.ci, c.co, v, e
		}
		gm := Gemm{M: rows, N: cols, ND: cols, K1: nm, K2: tiles, Z: a * c.g,
			SAm: t, SAk1: tiles, SAk2: 1, SAz: rows * t,
			SBk1: tiles, SBk2: 1, SBn2: t, SBz: cols * t,
			SCm: cols, SCn2: 1, SCz: c.co * c.ci, Accumulate: n0 > 0}
		gm.Splits = l.splitsFor(gm)
		l.Gemm(s, scratch, ra, ca, nil, gm)
	}
	q := p.K * c.ci
	l.dispatch1D(s, k.dfilter, q, 1, winoDfilterPC{DW: dw, DU: scratch, Q: u32(q), KG: u32(c.co), CG: u32(c.ci), Trans: b32(trans)})
	if db != nil {
		mustFit("conv2d db", db, p.K)
		ohw := c.oh * c.ow
		l.biasGrad(s, db, dy, p.K, p.N, ohw, p.K*ohw, ohw)
	}
}
