package vk

import (
	"fmt"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers"
	"github.com/alexnet-vk/alexnet/shaders"
)

// Conv2D's forward runs as an implicit gemm (conv2d_fwd: the product kernel's tile reading the
// zero-padded input directly, no column matrix), or as im2col + gemm where the columns are wanted
// for backward-filter; backward-data runs as the same implicit gemm where the stride is 1 (gemm +
// col2im otherwise) and backward-filter as im2col + gemm. Each goes a chunk of images at a time through a caller-owned scratch buffer, which bounds memory
// whatever the batch.
var (
	kPad          = register("pad", padPC{})
	kWflip        = register("conv_wflip", wflipPC{})
	kIm2col       = register("im2col", im2colPC{})
	kCol2im       = register("col2im", col2imPC{})
	kBiasGrad     = register("bias_grad", biasGradPC{})
	kBiasGradLane = register("bias_grad_lane", biasGradPC{})
)

// The push constants of the kernels above, mirroring their shaders' blocks (the conv2d_fwd
// variants' convPC is beside convImplicit).
type (
	padPC struct {
		XP, X         gpu.Arg
		NC, H, W, Pad uint32
	}
	wflipPC struct {
		WF, W               gpu.Arg
		KG, CG, R, S, Total uint32
	}
	// im2colPC is also col2im's: col2im.comp's block has the same members (dx, dcol first).
	im2colPC struct {
		Col, X                                gpu.Arg
		N, C, H, W, R, S, Stride, Pad, OH, OW uint32
	}
	col2imPC   im2colPC
	biasGradPC struct {
		DB, DY          gpu.Arg
		K, N, P, SN, SK uint32
	}
)

// geometry returns im2col's (and col2im's) push constants for nc images of p.
func geometry(col, x gpu.Arg, p layers.Conv2D, nc int) im2colPC {
	return im2colPC{Col: col, X: x, N: u32(nc), C: u32(p.C), H: u32(p.H), W: u32(p.W), R: u32(p.R), S: u32(p.S),
		Stride: u32(p.Stride), Pad: u32(p.Pad), OH: u32(p.OutH()), OW: u32(p.OutW())}
}

// ColFloats returns the scratch floats one image's column matrix takes: C·R·S × OH·OW.
func ColFloats(p layers.Conv2D) int { return p.C * p.R * p.S * p.OutH() * p.OutW() }

// chunk returns how many images fit the scratch at once.
func chunk(p layers.Conv2D, scratch gpu.Arg) int {
	per := int64(ColFloats(p)) * 4
	nc := int(gpu.Avail(scratch) / per)
	if nc < 1 {
		panic(fmt.Sprintf("vk: conv2d scratch of %d bytes is smaller than one image's columns (%d bytes)", gpu.Avail(scratch), per))
	}
	return min(nc, p.N)
}

// convDims returns what every conv2d product is shaped by: output positions per image, groups,
// output channels per group and column rows (C/G·R·S) per group.
func convDims(p layers.Conv2D) (ohw, g, kg, qg int) {
	g = p.Groups
	return p.OutH() * p.OutW(), g, p.K / g, p.C / g * p.R * p.S
}

func mustFit(what string, a gpu.Arg, floats int) {
	if a == nil || gpu.Avail(a) < int64(floats)*4 {
		panic(fmt.Sprintf("vk: %s buffer too small: needs %d floats", what, floats))
	}
}

func checkConv(p layers.Conv2D, x, w, y gpu.Arg) {
	checkConvWY(p, w, y)
	mustFit("conv2d x/dx", x, p.N*p.C*p.H*p.W)
}

// checkConvWY checks the geometry and the weight and output (or their gradients') buffers.
func checkConvWY(p layers.Conv2D, w, y gpu.Arg) {
	if err := p.Validate(); err != nil {
		panic("vk: " + err.Error())
	}
	mustFit("conv2d w/dw", w, p.K*p.C/p.Groups*p.R*p.S)
	mustFit("conv2d y/dy", y, p.N*p.K*p.OutH()*p.OutW())
}

// im2col records col[n][q][p] (q = (c·R + r)·S + s, p = oh·OW + ow) for images [n0, n0+nc) of x:
// image by image, so a gemm walking k reads one image's rows OH·OW apart (see im2col.comp).
func (l *Lib) im2col(s *gpu.Seq, col, x gpu.Arg, p layers.Conv2D, n0, nc int) {
	xs := gpu.Offset(x, int64(n0*p.C*p.H*p.W)*4)
	l.dispatch1D(s, kIm2col, nc*p.C*p.R*p.S*p.OutH(), 1, geometry(col, xs, p, nc))
}

// Conv2DForward records y = conv(x, w) + b (ReLU fused when relu), as layers.Conv2DForward, as an
// implicit gemm over x zero-padded into scratch a chunk of images at a time (x itself when p.Pad is
// 0; im2col + gemm, as Conv2DForwardCols, where scratch cannot hold one padded image). b may be nil
// (no bias).
func (l *Lib) Conv2DForward(s *gpu.Seq, y, x, w, b gpu.Arg, p layers.Conv2D, relu bool, scratch gpu.Arg) {
	checkConv(p, x, w, y)
	_, g, kg, _ := convDims(p)
	hp, wp := p.H+2*p.Pad, p.W+2*p.Pad
	per := p.C * hp * wp // floats of one padded image
	nc := p.N
	if p.Pad > 0 {
		if scratch == nil || gpu.Avail(scratch) < int64(per)*4 {
			l.Conv2DForwardCols(s, y, x, w, b, p, relu, scratch)
			return
		}
		nc = min(p.N, int(gpu.Avail(scratch)/(int64(per)*4)))
	}
	var flags uint32
	if b != nil {
		mustFit("conv2d b", b, p.K)
		flags |= shaders.FlagRowBias
	} else {
		b = w // never read; the kernel still needs a valid address
	}
	if relu {
		flags |= shaders.FlagRelu
	}
	l.convPadded(s, y, w, x, b, scratch, p.N, nc, p.H, p.W, p.Pad, implicitConv{
		g: g, kg: kg, cg: p.C / g, r: p.R, s: p.S, stride: p.Stride, wp: wp, hwp: hp * wp,
		oh: p.OutH(), ow: p.OutW(), flags: flags})
}

// convPadded records the implicit convolution c of n images of x (c.g·c.cg planes of h×w each) into
// y, nc images at a time, each chunk zero-padded by pad into xp first (read in place when pad is 0).
func (l *Lib) convPadded(s *gpu.Seq, y, w, x, b, xp gpu.Arg, n, nc, h, wd, pad int, c implicitConv) {
	planes, yImg := c.g*c.cg, c.g*c.kg*c.oh*c.ow
	for n0 := 0; n0 < n; n0 += nc {
		c.n = min(nc, n-n0)
		var src gpu.Arg = gpu.Offset(x, int64(n0*planes*h*wd)*4)
		if pad > 0 {
			l.pad(s, xp, src, c.n*planes, h, wd, pad)
			src = xp
		}
		l.convImplicit(s, gpu.Offset(y, int64(n0*yImg)*4), w, src, b, c)
	}
}

// pad records xp = x (nc planes of h×w) zero-padded by pad on every side.
func (l *Lib) pad(s *gpu.Seq, xp, x gpu.Arg, nc, h, w, pad int) {
	l.dispatch1D(s, kPad, nc*(w+2*pad), 1, padPC{XP: xp, X: x, NC: u32(nc), H: u32(h), W: u32(w), Pad: u32(pad)})
}

// implicitConv is the geometry of one conv2d_fwd dispatch: n images of a padded input (rows wp
// floats, planes hwp, g groups of cg channels) convolved with g groups of kg r×s filters at stride
// into n images of g·kg planes of oh×ow, with the bias (FlagRowBias) and ReLU (FlagRelu) epilogue.
type implicitConv struct {
	n, g, kg, cg, r, s, stride, wp, hwp, oh, ow int
	flags                                       uint32
}

// convPC mirrors conv2d_fwd_push.glsl: the push constants of every conv2d_fwd kernel variant.
type convPC struct {
	Y, W, XP, Bias                               gpu.Arg
	KG, NCol, OHW, OW, CG, R, S, Wp, HWp, Stride uint32
	SXn, SXz, SYn, SYz, Flags                    uint32
}

// convImplicit records the chosen conv2d_fwd variant (its narrow kernel for few output positions).
func (l *Lib) convImplicit(s *gpu.Seq, y, w, xp, b gpu.Arg, c implicitConv) {
	ohw := c.oh * c.ow
	cols := c.n * ohw
	v := l.Choice.Of(ProductConv)
	name, rows, tile := convKernel(v, c.kg, cols)
	grid := gpu.Grid{X: gpu.DivUp(c.kg, rows), Y: gpu.DivUp(cols, tile), Z: c.g}
	s.Dispatch(l.kernel(name), grid, convPC{Y: y, W: w, XP: xp, Bias: b,
		KG: u32(c.kg), NCol: u32(cols), OHW: u32(ohw), OW: u32(c.ow), CG: u32(c.cg), R: u32(c.r), S: u32(c.s),
		Wp: u32(c.wp), HWp: u32(c.hwp), Stride: u32(c.stride),
		SXn: u32(c.g * c.cg * c.hwp), SXz: u32(c.cg * c.hwp), SYn: u32(c.g * c.kg * ohw), SYz: u32(c.kg * ohw), Flags: c.flags})
}

// convKernel returns variant v's conv2d_fwd kernel for kg output channels per group and cols
// output positions, with its rows and columns per workgroup: the narrow kernel for at most
// NarrowCols positions; else the half kernel (ConvHalf) for at most Rows/2 channels, as the
// backward-data pass of alexnet-small's conv2 (8 channels per group); else the three-share kernel
// (ConvThree) where it pads the product to fewer outputs (threeBeats), as alexnet-small's conv2
// and conv5 forward (24 channels per group); else the wide one.
func convKernel(v *Variant, kg, cols int) (name string, rows, tile int) {
	switch {
	case cols <= v.NarrowCols:
		return v.Kernels[ProductConv][1], v.Rows, v.NarrowCols
	case v.ConvHalf != "" && kg <= v.Rows/2:
		return v.ConvHalf, v.Rows / 2, v.Cols
	case v.ConvThree != "" && v.threeBeats(kg, cols, v.Rows, v.Cols):
		return v.ConvThree, v.ThreeRows, v.ThreeCols
	}
	return v.Kernels[ProductConv][0], v.Rows, v.Cols
}

// Conv2DForwardCols is Conv2DForward as im2col + gemm through scratch, which is left holding the
// column matrix of the last chunk of images: of all p.N images when ColumnsFit(p, scratch), for
// Conv2DBackwardFilterFromCols.
func (l *Lib) Conv2DForwardCols(s *gpu.Seq, y, x, w, b gpu.Arg, p layers.Conv2D, relu bool, scratch gpu.Arg) {
	checkConv(p, x, w, y)
	ohw, g, kg, qg := convDims(p)
	nc := chunk(p, scratch)
	for n0 := 0; n0 < p.N; n0 += nc {
		m := min(nc, p.N-n0)
		l.im2col(s, scratch, x, p, n0, m)
		gm := Gemm{M: kg, N: m * ohw, ND: ohw, K1: 1, K2: qg, Z: g,
			SAm: qg, SAk2: 1, SAz: kg * qg,
			SBk2: ohw, SBn1: p.C * p.R * p.S * ohw, SBn2: 1, SBz: qg * ohw,
			SCm: ohw, SCn1: p.K * ohw, SCn2: 1, SCz: kg * ohw,
			ReLU: relu}
		if b != nil {
			mustFit("conv2d b", b, p.K)
			gm.Bias, gm.SBiasZ = RowBias, kg
		}
		l.Gemm(s, gpu.Offset(y, int64(n0*p.K*ohw)*4), w, scratch, b, gm)
	}
}

// Conv2DBackwardData records dx = ∂L/∂x (overwritten), as layers.Conv2DBackwardData. With stride 1,
// a square kernel and pad < R it runs as the forward convolution of dy padded by R−1−pad with the
// flipped, transposed filters (conv_wflip), through conv2d_fwd, a chunk of images at a time
// through scratch (the flipped filters first, then the padded dy); otherwise, or where scratch is
// too small for that, as gemm + col2im.
func (l *Lib) Conv2DBackwardData(s *gpu.Seq, dx, dy, w gpu.Arg, p layers.Conv2D, scratch gpu.Arg) {
	checkConv(p, dx, w, dy)
	ohw, g, kg, qg := convDims(p)
	if p.Stride == 1 && p.R == p.S && p.Pad < p.R && scratch != nil && !l.noImplicitBwdData {
		cg, pp := p.C/g, p.R-1-p.Pad
		oh, ow := p.OutH(), p.OutW()
		hp, wp := oh+2*pp, ow+2*pp
		nwf := (p.K*cg*p.R*p.S + 15) / 16 * 16 // the flipped filters, then 64-byte aligned padded dy
		per := p.K * hp * wp
		if avail := gpu.Avail(scratch)/4 - int64(nwf); avail >= int64(per) {
			nc := min(p.N, int(avail/int64(per)))
			l.wflip(s, scratch, w, g, kg, cg, p.R, p.S)
			l.convPadded(s, dx, scratch, dy, scratch, gpu.Offset(scratch, int64(nwf)*4), p.N, nc, oh, ow, pp, implicitConv{
				g: g, kg: cg, cg: kg, r: p.R, s: p.S, stride: 1, wp: wp, hwp: hp * wp, oh: p.H, ow: p.W})
			return
		}
	}
	nc := chunk(p, scratch)
	for n0 := 0; n0 < p.N; n0 += nc {
		m := min(nc, p.N-n0)
		gm := Gemm{M: qg, N: m * ohw, ND: ohw, K1: 1, K2: kg, Z: g,
			SAm: 1, SAk2: qg, SAz: kg * qg,
			SBk2: ohw, SBn1: p.K * ohw, SBn2: 1, SBz: kg * ohw,
			SCm: ohw, SCn1: p.C * p.R * p.S * ohw, SCn2: 1, SCz: qg * ohw}
		l.Gemm(s, scratch, w, gpu.Offset(dy, int64(n0*p.K*ohw)*4), nil, gm)
		dxs := gpu.Offset(dx, int64(n0*p.C*p.H*p.W)*4)
		l.col2im(s, dxs, scratch, p, m)
	}
}

// Conv2DBackwardFilter records dw += ∂L/∂w and db += ∂L/∂b (db may be nil), as
// layers.Conv2DBackwardFilter.
func (l *Lib) Conv2DBackwardFilter(s *gpu.Seq, dw, db, dy, x gpu.Arg, p layers.Conv2D, scratch gpu.Arg) {
	checkConv(p, x, dw, dy)
	l.backwardFilter(s, dw, db, dy, x, p, scratch, false)
}

// ColumnsFit reports whether cols holds the column matrix of all p.N images at once: then
// Conv2DForwardCols leaves it there, for Conv2DBackwardFilterFromCols to use instead of recomputing it.
func ColumnsFit(p layers.Conv2D, cols gpu.Arg) bool {
	return gpu.Avail(cols) >= int64(p.N)*int64(ColFloats(p))*4
}

// Conv2DBackwardFilterFromCols is Conv2DBackwardFilter with the column matrix of x already in cols,
// as a Conv2DForwardCols with that scratch left it (ColumnsFit must hold): one im2col less per step.
func (l *Lib) Conv2DBackwardFilterFromCols(s *gpu.Seq, dw, db, dy, cols gpu.Arg, p layers.Conv2D) {
	checkConvWY(p, dw, dy)
	if !ColumnsFit(p, cols) {
		panic(fmt.Sprintf("vk: conv2d columns buffer of %d bytes does not hold %d images' columns", gpu.Avail(cols), p.N))
	}
	l.backwardFilter(s, dw, db, dy, nil, p, cols, true)
}

func (l *Lib) backwardFilter(s *gpu.Seq, dw, db, dy, x gpu.Arg, p layers.Conv2D, scratch gpu.Arg, haveCols bool) {
	ohw, g, kg, qg := convDims(p)
	implicit := !haveCols && l.implicitBwdFilter(s, dw, dy, x, p, scratch) // conv2d_bwd_filter.go
	nc := chunk(p, scratch)
	for n0 := 0; n0 < p.N && !implicit; n0 += nc {
		m := min(nc, p.N-n0)
		if !haveCols {
			l.im2col(s, scratch, x, p, n0, m)
		}
		gm := Gemm{M: kg, N: qg, ND: qg, K1: m, K2: ohw, Z: g,
			SAm: ohw, SAk1: p.K * ohw, SAk2: 1, SAz: kg * ohw,
			SBk1: p.C * p.R * p.S * ohw, SBk2: 1, SBn2: ohw, SBz: qg * ohw,
			SCm: qg, SCn2: 1, SCz: kg * qg,
			Accumulate: true}
		gm.Splits = l.splitsFor(gm)
		l.Gemm(s, dw, gpu.Offset(dy, int64(n0*p.K*ohw)*4), scratch, nil, gm)
	}
	if db != nil {
		mustFit("conv2d db", db, p.K)
		l.biasGrad(s, db, dy, p.K, p.N, ohw, p.K*ohw, ohw)
	}
}

// biasGrad records db[k] += Σ_n Σ_p dy[n·sN + k·sK + p]: one invocation per k (bias_grad_lane)
// where each k sums at most biasLaneMax values, else one workgroup per k (bias_grad).
func (l *Lib) biasGrad(s *gpu.Seq, db, dy gpu.Arg, k, n, p, sN, sK int) {
	pc := biasGradPC{DB: db, DY: dy, K: u32(k), N: u32(n), P: u32(p), SN: u32(sN), SK: u32(sK)}
	if biasLane(n, p) {
		l.dispatch1D(s, kBiasGradLane, k, 1, pc)
		return
	}
	s.Dispatch(l.kernel(kBiasGrad), l.Dev.Fold(k), pc)
}

// biasLaneMax is the most values per k that bias_grad_lane sums, one lane each; above it the k
// are too few for the values (one workgroup per 64 k), and bias_grad's workgroup per k runs faster.
// lavapipe, 256-bit, 2 cores (2026-12-06 08:00 UTC, bin/bench's profile and BenchmarkBiasGrad):
// fc6 at batch 128 (4096 k of 128 values) 7.0 -> 0.6 ms; alexnet-small at batch 32, fc6/fc7
// (256 k of 32 values) 0.50-0.56 -> 0.10-0.16 ms, conv3-conv5 (1152 values) 0.26-0.30 -> 0.17-0.19 ms;
// alexnet-tv conv3 at batch 128 (21632 values) 5.9 ms with bias_grad, 7.9 with bias_grad_lane.
const biasLaneMax = 4096

// biasLane reports whether biasGrad runs bias_grad_lane for n images of p values per channel.
func biasLane(n, p int) bool { return n*p <= biasLaneMax }

// wflip records conv_wflip: wf = w's g groups of kg×cg r×s filters, flipped and transposed.
func (l *Lib) wflip(s *gpu.Seq, wf, w gpu.Arg, g, kg, cg, r, sz int) {
	n := g * kg * cg * r * sz
	l.dispatch1D(s, kWflip, n, 1, wflipPC{WF: wf, W: w, KG: u32(kg), CG: u32(cg), R: u32(r), S: u32(sz), Total: u32(n)})
}

// col2im records dx (nc images of p, overwritten) = col2im of the columns dcol.
func (l *Lib) col2im(s *gpu.Seq, dx, dcol gpu.Arg, p layers.Conv2D, nc int) {
	l.dispatch1D(s, kCol2im, nc*p.C*p.H*p.W, 1, col2imPC(geometry(dx, dcol, p, nc)))
}

// wflipRef is the CPU reference of conv_wflip: wf[z·CG + c][k][r][s] = w[z·KG + k][c][R−1−r][S−1−s].
func wflipRef(wf, w []float32, g, kg, cg, r, s int) {
	for z := 0; z < g; z++ {
		for c := 0; c < cg; c++ {
			for k := 0; k < kg; k++ {
				for i := 0; i < r; i++ {
					for j := 0; j < s; j++ {
						wf[(((z*cg+c)*kg+k)*r+i)*s+j] = w[(((z*kg+k)*cg+c)*r+(r-1-i))*s+(s-1-j)]
					}
				}
			}
		}
	}
}

// padRef is the CPU reference of pad: xp[n, c, hp, wp] = x[n, c, hp−pad, wp−pad], 0 outside x.
func padRef(xp, x []float32, nc, h, w, pad int) {
	hp, wp := h+2*pad, w+2*pad
	for i := 0; i < nc; i++ {
		for r := 0; r < hp; r++ {
			for c := 0; c < wp; c++ {
				v := float32(0)
				if y, x0 := r-pad, c-pad; y >= 0 && y < h && x0 >= 0 && x0 < w {
					v = x[(i*h+y)*w+x0]
				}
				xp[(i*hp+r)*wp+c] = v
			}
		}
	}
}

// im2colRef is the CPU reference of im2col: col[n][(c·R+r)·S+s][oh·OW+ow] = x[n, c, oh·stride−pad+r, ow·stride−pad+s].
func im2colRef(col, x []float32, p layers.Conv2D) {
	oh, ow := p.OutH(), p.OutW()
	for n := 0; n < p.N; n++ {
		for c := 0; c < p.C; c++ {
			for r := 0; r < p.R; r++ {
				for s := 0; s < p.S; s++ {
					q := (c*p.R+r)*p.S + s
					for i := 0; i < oh; i++ {
						for j := 0; j < ow; j++ {
							h, w := i*p.Stride-p.Pad+r, j*p.Stride-p.Pad+s
							v := float32(0)
							if h >= 0 && h < p.H && w >= 0 && w < p.W {
								v = x[((n*p.C+c)*p.H+h)*p.W+w]
							}
							col[(n*p.C*p.R*p.S+q)*oh*ow+i*ow+j] = v
						}
					}
				}
			}
		}
	}
}

// col2imRef is the CPU reference of col2im: dx (overwritten) sums every column entry im2col copied from it.
func col2imRef(dx, dcol []float32, p layers.Conv2D) {
	clear(dx)
	oh, ow := p.OutH(), p.OutW()
	for n := 0; n < p.N; n++ {
		for c := 0; c < p.C; c++ {
			for r := 0; r < p.R; r++ {
				for s := 0; s < p.S; s++ {
					q := (c*p.R+r)*p.S + s
					for i := 0; i < oh; i++ {
						for j := 0; j < ow; j++ {
							h, w := i*p.Stride-p.Pad+r, j*p.Stride-p.Pad+s
							if h >= 0 && h < p.H && w >= 0 && w < p.W {
								dx[((n*p.C+c)*p.H+h)*p.W+w] += dcol[(n*p.C*p.R*p.S+q)*oh*ow+i*ow+j]
							}
						}
					}
				}
			}
		}
	}
}
