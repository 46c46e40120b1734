package vk

import (
	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers"
	"github.com/alexnet-vk/alexnet/shaders"
)

var (
	kLRNFwd = register("lrn_fwd", lrnFwdPC{})
	kLRNBwd = register("lrn_bwd", lrnBwdPC{})
)

// lrnFwdPC and lrnBwdPC mirror lrn_fwd.comp's and lrn_bwd.comp's push constants.
type (
	lrnFwdPC struct {
		Y, Scale, X       gpu.Arg
		N, C, Plane, Half uint32
		A, Beta, K        float32
	}
	lrnBwdPC struct {
		DX, DY, X, Y, Scale gpu.Arg
		N, C, Plane, Half   uint32
		TwoAB, Beta         float32
		Flags               uint32 // shaders.FlagReluMask: the ReLU before the LRN's backward too
	}
)

// checkLRN panics unless p is valid and every argument holds a whole [N,C,H,W] tensor.
func checkLRN(p layers.LRN, names []string, bufs ...gpu.Arg) {
	if err := p.Validate(); err != nil {
		panic("vk: " + err.Error())
	}
	for i, b := range bufs {
		mustFit("lrn "+names[i], b, p.N*p.C*p.H*p.W)
	}
}

// LRNForward records local response normalisation across channels, as layers.LRNForward:
//
//	scale[n,i,h,w] = K + a·Σ_{j=max(0,i−Size/2)}^{min(C−1,i+Size/2)} x[n,j,h,w]²,   y = x·scale^(−Beta)
//
// with a = p.EffAlpha(). y and scale [N,C,H,W] are overwritten (scale is kept for LRNBackward);
// x [N,C,H,W].
func (l *Lib) LRNForward(s *gpu.Seq, y, scale, x gpu.Arg, p layers.LRN) {
	checkLRN(p, []string{"y", "scale", "x"}, y, scale, x)
	cols := p.N * p.H * p.W
	l.dispatch1D(s, kLRNFwd, cols, 1, lrnFwdPC{Y: y, Scale: scale, X: x,
		N: u32(p.N), C: u32(p.C), Plane: u32(p.H * p.W), Half: u32(p.Size / 2),
		A: float32(p.EffAlpha()), Beta: float32(p.Beta), K: float32(p.K)})
}

// LRNBackward records the gradient of LRNForward, as layers.LRNBackward:
//
//	dx_i = dy_i·scale_i^(−β) − 2·a·β·x_i·Σ_{j: |i−j|<=Size/2, 0<=j<C} dy_j·y_j/scale_j
//
// dx [N,C,H,W] is overwritten; dy, x, y and scale [N,C,H,W] as written by LRNForward.
func (l *Lib) LRNBackward(s *gpu.Seq, dx, dy, x, y, scale gpu.Arg, p layers.LRN) {
	l.lrnBackward(s, dx, dy, x, y, scale, p, 0)
}

// LRNReLUBackward records LRNBackward and the backward of the ReLU whose output x the LRN took
// as input, in one pass, as layers.LRNReLUBackward: dx_i = 0 where x_i <= 0. Arguments as LRNBackward.
func (l *Lib) LRNReLUBackward(s *gpu.Seq, dx, dy, x, y, scale gpu.Arg, p layers.LRN) {
	l.lrnBackward(s, dx, dy, x, y, scale, p, shaders.FlagReluMask)
}

func (l *Lib) lrnBackward(s *gpu.Seq, dx, dy, x, y, scale gpu.Arg, p layers.LRN, flags uint32) {
	checkLRN(p, []string{"dx", "dy", "x", "y", "scale"}, dx, dy, x, y, scale)
	cols := p.N * p.H * p.W
	l.dispatch1D(s, kLRNBwd, cols, 1, lrnBwdPC{DX: dx, DY: dy, X: x, Y: y, Scale: scale,
		N: u32(p.N), C: u32(p.C), Plane: u32(p.H * p.W), Half: u32(p.Size / 2),
		TwoAB: float32(2 * p.EffAlpha() * p.Beta), Beta: float32(p.Beta), Flags: flags})
}
