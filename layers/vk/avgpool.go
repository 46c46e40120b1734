package vk

import (
	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers"
)

var (
	kAvgPoolFwd = register("avgpool_fwd", avgPoolPC{})
	kAvgPoolBwd = register("avgpool_bwd", avgPoolPC{})
)

// avgPoolPC mirrors the push constants of avgpool_fwd.comp (y, x) and avgpool_bwd.comp (dx, dy).
type avgPoolPC struct {
	Out, In          gpu.Arg
	NC, H, W, OH, OW uint32
}

func avgPoolPush(out, in gpu.Arg, p layers.AvgPool) avgPoolPC {
	return avgPoolPC{Out: out, In: in, NC: u32(p.N * p.C), H: u32(p.H), W: u32(p.W), OH: u32(p.OH), OW: u32(p.OW)}
}

// checkAvgPool panics unless p is valid and x and y hold whole tensors of their shapes.
func checkAvgPool(p layers.AvgPool, x, y gpu.Arg) {
	if err := p.Validate(); err != nil {
		panic("vk: " + err.Error())
	}
	mustFit("avgpool x/dx", x, p.N*p.C*p.H*p.W)
	mustFit("avgpool y/dy", y, p.N*p.C*p.OH*p.OW)
}

// AvgPoolForward records adaptive average pooling, as layers.AvgPoolForward: y[n,c,oh,ow] is the
// mean of x over rows [floor(oh·H/OH), ceil((oh+1)·H/OH)) and the columns likewise.
// y [N,C,OH,OW] is overwritten; x [N,C,H,W]. An identity pool (OH = H, OW = W: alexnet-tv's 6×6
// from 6×6) is recorded as a buffer copy (see copyIdentity).
func (l *Lib) AvgPoolForward(s *gpu.Seq, y, x gpu.Arg, p layers.AvgPool) {
	checkAvgPool(p, x, y)
	if copyIdentity(s, y, x, p) {
		return
	}
	l.dispatch1D(s, kAvgPoolFwd, p.N*p.C*p.OH, 1, avgPoolPush(y, x, p))
}

// AvgPoolBackward records dx[n,c,h,w] = Σ_{cells holding (h,w)} dy/count, as
// layers.AvgPoolBackward; one invocation owns an input row of dx (no atomics). dx [N,C,H,W] is
// overwritten; dy [N,C,OH,OW]. An identity pool is recorded as a buffer copy (see copyIdentity).
func (l *Lib) AvgPoolBackward(s *gpu.Seq, dx, dy gpu.Arg, p layers.AvgPool) {
	checkAvgPool(p, dx, dy)
	if copyIdentity(s, dx, dy, p) {
		return
	}
	l.dispatch1D(s, kAvgPoolBwd, p.N*p.C*p.H, 1, avgPoolPush(dx, dy, p))
}

// copyIdentity records dst = src as a buffer copy and reports true when p is an identity pool
// (every cell one element: y = x, dx = dy) and the two ranges do not overlap. The kernels take
// 10–13 ms for alexnet-tv's 6×6 pool at batch 128 on lavapipe, the copy well under 1 ms. The one
// difference from the reference's 0 + x: a −0 stays −0 (the mean of −0 is −0; equal as numbers).
func copyIdentity(s *gpu.Seq, dst, src gpu.Arg, p layers.AvgPool) bool {
	if p.OH != p.H || p.OW != p.W {
		return false
	}
	d, r, n := gpu.RefOf(dst), gpu.RefOf(src), int64(p.N*p.C*p.H*p.W)*4
	if d.B == r.B && d.Off < r.Off+n && r.Off < d.Off+n {
		return false
	}
	s.Copy(d.B, d.Off, r.B, r.Off, n)
	return true
}
