package vk

import (
	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers"
)

var (
	kAvgPoolFwd = register("avgpool_fwd", 5, gpu.Write, gpu.Read)
	kAvgPoolBwd = register("avgpool_bwd", 5, gpu.Write, gpu.Read)
)

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
// y [N,C,OH,OW] is overwritten; x [N,C,H,W].
func (l *Lib) AvgPoolForward(s *gpu.Seq, y, x gpu.Arg, p layers.AvgPool) {
	checkAvgPool(p, x, y)
	l.dispatch1D(s, kAvgPoolFwd, p.N*p.C*p.OH, 64, args(y, x), p.N*p.C, p.H, p.W, p.OH, p.OW)
}

// AvgPoolBackward records dx[n,c,h,w] = Σ_{cells holding (h,w)} dy/count, as
// layers.AvgPoolBackward; one invocation owns an input row of dx (no atomics). dx [N,C,H,W] is overwritten; dy [N,C,OH,OW].
func (l *Lib) AvgPoolBackward(s *gpu.Seq, dx, dy gpu.Arg, p layers.AvgPool) {
	checkAvgPool(p, dx, dy)
	l.dispatch1D(s, kAvgPoolBwd, p.N*p.C*p.H, 64, args(dx, dy), p.N*p.C, p.H, p.W, p.OH, p.OW)
}
