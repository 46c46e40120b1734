package vk

import (
	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers"
	"github.com/alexnet-vk/alexnet/shaders"
)

var (
	kMaxPoolFwd = register("maxpool_fwd", maxPoolPC{})
	kMaxPoolBwd = register("maxpool_bwd", maxPoolBwdPC{})
)

// maxPoolPC mirrors the push constants of maxpool_fwd.comp (y, arg, x).
type maxPoolPC struct {
	A, B, C                             gpu.Arg
	NC, H, W, OH, OW, Size, Stride, Pad uint32
}

// maxPoolBwdPC mirrors maxpool_bwd.comp's push constants (dx, dy, arg, y; y is read only with
// shaders.FlagReluMask).
type maxPoolBwdPC struct {
	DX, DY, Arg, Y                      gpu.Arg
	NC, H, W, OH, OW, Size, Stride, Pad uint32
	Flags                               uint32
}

// checkMaxPool panics unless p is valid and x, y and arg hold whole tensors of their shapes.
func checkMaxPool(p layers.MaxPool, x, y, arg gpu.Arg) {
	if err := p.Validate(); err != nil {
		panic("vk: " + err.Error())
	}
	mustFit("maxpool x/dx", x, p.N*p.C*p.H*p.W)
	mustFit("maxpool y/dy", y, p.N*p.C*p.OutH()*p.OutW())
	mustFit("maxpool arg", arg, p.N*p.C*p.OutH()*p.OutW())
}

// maxPoolPush returns the push constants of a maxpool kernel with buffers a, b, c.
func maxPoolPush(a, b, c gpu.Arg, p layers.MaxPool) maxPoolPC {
	return maxPoolPC{A: a, B: b, C: c, NC: u32(p.N * p.C), H: u32(p.H), W: u32(p.W), OH: u32(p.OutH()), OW: u32(p.OutW()),
		Size: u32(p.Size), Stride: u32(p.Stride), Pad: u32(p.Pad)}
}

// MaxPoolForward records max pooling, as layers.MaxPoolForward: y[n,c,oh,ow] is the max of the
// in-range window elements and arg[n,c,oh,ow] (int32) its index h·W+w in the plane, ties keeping
// the first. One invocation per output row. y and arg [N,C,OH,OW] are overwritten; x [N,C,H,W].
func (l *Lib) MaxPoolForward(s *gpu.Seq, y, arg, x gpu.Arg, p layers.MaxPool) {
	checkMaxPool(p, x, y, arg)
	l.dispatch1D(s, kMaxPoolFwd, p.N*p.C*p.OutH(), 1, maxPoolPush(y, arg, x, p))
}

// MaxPoolBackward records dx[n,c,i] = Σ_{o with arg[n,c,o] == i} dy[n,c,o], as
// layers.MaxPoolBackward: one invocation owns an input row of dx and adds the dy of the windows
// over it whose winner lies in that row (no atomics; the reference's order, so exact).
// dx [N,C,H,W] is overwritten; dy and arg [N,C,OH,OW] as written by MaxPoolForward.
func (l *Lib) MaxPoolBackward(s *gpu.Seq, dx, dy, arg gpu.Arg, p layers.MaxPool) {
	checkMaxPool(p, dx, dy, arg)
	l.maxPoolBackward(s, dx, dy, arg, dy, p, 0)
}

// MaxPoolReLUBackward records MaxPoolBackward and the backward of the ReLU whose output the pool
// took as input, in one pass, as layers.MaxPoolReLUBackward: only the dy of windows whose max y is
// positive reach dx. dx [N,C,H,W] is overwritten; dy, y and arg [N,C,OH,OW] as MaxPoolForward left them.
func (l *Lib) MaxPoolReLUBackward(s *gpu.Seq, dx, dy, y, arg gpu.Arg, p layers.MaxPool) {
	checkMaxPool(p, dx, dy, arg)
	mustFit("maxpool y", y, p.N*p.C*p.OutH()*p.OutW())
	l.maxPoolBackward(s, dx, dy, arg, y, p, shaders.FlagReluMask)
}

func (l *Lib) maxPoolBackward(s *gpu.Seq, dx, dy, arg, y gpu.Arg, p layers.MaxPool, flags uint32) {
	f := maxPoolPush(dx, dy, arg, p)
	l.dispatch1D(s, kMaxPoolBwd, p.N*p.C*p.H, 1, maxPoolBwdPC{DX: dx, DY: dy, Arg: arg, Y: y,
		NC: f.NC, H: f.H, W: f.W, OH: f.OH, OW: f.OW, Size: f.Size, Stride: f.Stride, Pad: f.Pad, Flags: flags})
}
