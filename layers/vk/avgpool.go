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
// y [N,C,OH,OW] is overwritten; x [N,C,H,W].
func (l *Lib) AvgPoolForward(s *gpu.Seq, y, x gpu.Arg, p layers.AvgPool) {
	checkAvgPool(p, x, y)
	l.dispatch1D(s, kAvgPoolFwd, p.N*p.C*p.OH, 1, avgPoolPush(y, x, p))
}

// AvgPoolBackward records dx[n,c,h,w] = Σ_{cells holding (h,w)} dy/count, as
// layers.AvgPoolBackward; one invocation owns an input row of dx (no atomics). dx [N,C,H,W] is overwritten; dy [N,C,OH,OW].
func (l *Lib) AvgPoolBackward(s *gpu.Seq, dx, dy gpu.Arg, p layers.AvgPool) {
	checkAvgPool(p, dx, dy)
	l.dispatch1D(s, kAvgPoolBwd, p.N*p.C*p.H, 1, avgPoolPush(dx, dy, p))
}
