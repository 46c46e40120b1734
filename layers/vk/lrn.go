package vk

import (
	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers"
)

var (
	kLRNFwd = register("lrn_fwd", 7, gpu.Write, gpu.Write, gpu.Read)
	kLRNBwd = register("lrn_bwd", 6, gpu.Write, gpu.Read, gpu.Read, gpu.Read, gpu.Read)
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
	l.dispatch1D(s, kLRNFwd, cols, 64, args(y, scale, x),
		p.N, p.C, p.H*p.W, p.Size/2, float32(p.EffAlpha()), float32(p.Beta), float32(p.K))
}

// LRNBackward records the gradient of LRNForward, as layers.LRNBackward:
//
//	dx_i = dy_i·scale_i^(−β) − 2·a·β·x_i·Σ_{j: |i−j|<=Size/2, 0<=j<C} dy_j·y_j/scale_j
//
// dx [N,C,H,W] is overwritten; dy, x, y and scale [N,C,H,W] as written by LRNForward.
func (l *Lib) LRNBackward(s *gpu.Seq, dx, dy, x, y, scale gpu.Arg, p layers.LRN) {
	checkLRN(p, []string{"dx", "dy", "x", "y", "scale"}, dx, dy, x, y, scale)
	cols := p.N * p.H * p.W
	l.dispatch1D(s, kLRNBwd, cols, 64, args(dx, dy, x, y, scale),
		p.N, p.C, p.H*p.W, p.Size/2, float32(2*p.EffAlpha()*p.Beta), float32(p.Beta))
}
