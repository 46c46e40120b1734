package vk

import (
	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers"
	"github.com/alexnet-vk/alexnet/shaders"
)

// convBwdFilterPC mirrors conv2d_bwd_filter.glsl's push constants.
type convBwdFilterPC struct {
	DW, DY, XP                                gpu.Arg
	KG, QG, N, OHW, OW, R, S, Wp, HWp, Stride uint32
	SXn, SXz, SYn, SYz                        uint32
	Splits, SCs, Flags                        uint32
}

// ImplicitBwdFilter reports whether Conv2DBackwardFilter runs as the implicit gemm
// (conv2d_bwd_filter, where the chosen variant has it) rather than im2col + gemm. Then it needs no
// column matrix, and a net gains nothing by keeping the forward pass's columns
// (Conv2DForwardCols): it would only trade the implicit forward kernel for im2col + gemm.
func (l *Lib) ImplicitBwdFilter() bool {
	return l.Choice.Of(ProductGemm).BwdFilter[0] != "" && !l.noImplicitBwdFilter
}

// implicitBwdFilter records dw += ∂L/∂w (not db) with the chosen variant's conv2d_bwd_filter
// kernel, which reads the zero-padded input directly instead of an im2col column matrix: no
// im2col pass, and a padded image (C·Hp·Wp floats) instead of its columns (C·R·S·OH·OW) in
// scratch, a chunk of images at a time. It records nothing and returns false where the variant has
// no such kernel, or a padded input needs scratch and scratch holds no padded image.
//
// Like gemm's backward-filter product it splits the images among workgroup layers when the
// output tiles are too few for the device (splitsFor's rule; gemm_reduce adds the partial products
// to dw), and otherwise runs blocks of images per dispatch whose input panel fits Lib.Panel.
func (l *Lib) implicitBwdFilter(s *gpu.Seq, dw, dy, x gpu.Arg, p layers.Conv2D, scratch gpu.Arg) bool {
	if !l.ImplicitBwdFilter() {
		return false
	}
	v := l.Choice.Of(ProductGemm)
	g := p.Groups
	kg, cg := p.K/g, p.C/g
	qg := cg * p.R * p.S
	hp, wp := p.H+2*p.Pad, p.W+2*p.Pad
	ohw := p.OutH() * p.OutW()
	nc := p.N
	if p.Pad > 0 {
		if scratch == nil {
			return false
		}
		nc = min(p.N, int(gpu.Avail(scratch)/4/int64(p.C*hp*wp)))
		if nc < 1 {
			return false
		}
	}
	name, rows, cols := bwdFilterKernel(v, kg, qg)
	outs := p.K * qg
	groups := gpu.DivUp(kg, rows) * gpu.DivUp(qg, cols) * g
	for n0 := 0; n0 < p.N; n0 += nc {
		m := min(nc, p.N-n0)
		var src gpu.Arg = gpu.Offset(x, int64(n0*p.C*p.H*p.W)*4)
		if p.Pad > 0 {
			l.pad(s, scratch, src, m*p.C, p.H, p.W, p.Pad)
			src = scratch
		}
		splits := max(1, min(m, v.Workgroups/max(groups, 1), maxPartials/outs))
		block := m
		if per := cols * ohw * 4; splits == 1 && l.Panel > 0 && m*per > l.Panel { // as Gemm.k1Block
			block = gpu.DivUp(m, min(gpu.DivUp(m*per, l.Panel), m))
		}
		for k0 := 0; k0 < m; k0 += block {
			kn := min(block, m-k0)
			out := dw
			if splits > 1 {
				out = l.partials(splits * outs)
			}
			s.Dispatch(l.kernel(name), gpu.Grid{X: gpu.DivUp(kg, rows), Y: gpu.DivUp(qg, cols), Z: g * splits}, convBwdFilterPC{
				DW: out, DY: gpu.Offset(dy, int64((n0+k0)*p.K*ohw)*4), XP: gpu.Offset(src, int64(k0*p.C*hp*wp)*4),
				KG: u32(kg), QG: u32(qg), N: u32(kn), OHW: u32(ohw), OW: u32(p.OutW()), R: u32(p.R), S: u32(p.S),
				Wp: u32(wp), HWp: u32(hp * wp), Stride: u32(p.Stride),
				SXn: u32(p.C * hp * wp), SXz: u32(cg * hp * wp), SYn: u32(p.K * ohw), SYz: u32(kg * ohw),
				Splits: u32(splits), SCs: u32(outs), Flags: shaders.FlagAccumulate})
			if splits > 1 {
				l.dispatch1D(s, kGemmReduce, outs, shaders.ReducePerLane, gemmReducePC{C: dw, Part: out, Bias: dw,
					N: u32(outs), Splits: u32(splits), Flags: shaders.FlagAccumulate, Cols: u32(qg)})
			}
		}
	}
	return true
}

// bwdFilterKernel returns variant v's implicit backward-filter kernel for filters of kg output
// channels and qg taps per group (the product's rows and columns), with its rows and columns per
// workgroup: by gemmKernel's rule among the wide, narrow and mid kernels (the narrow one for
// conv1's 25 taps, the wide one for every conv of AlexNet and alexnet-tv), unless the three-share
// kernel pads the product to fewer outputs (threeBeats), as for alexnet-small's conv2 and conv5
// (24 channels per group: 24 rows where the others compute 32).
func bwdFilterKernel(v *Variant, kg, qg int) (name string, rows, cols int) {
	name, cols = v.columnKernel(qg, v.BwdFilter[0], v.BwdFilter[1], v.BwdFilter[2])
	if v.BwdFilterThree != "" && v.threeBeats(kg, qg, v.Rows, cols) {
		return v.BwdFilterThree, v.ThreeRows, v.ThreeCols
	}
	return name, v.Rows, cols
}
