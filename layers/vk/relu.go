package vk

import (
	"fmt"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/shaders"
)

// The elementwise kernels (relu, dropout, sgd) handle shaders.ElemPerLane elements per invocation.
var (
	kReluFwd = register("relu_fwd", reluFwdPC{})
	kReluBwd = register("relu_bwd", reluBwdPC{})
	// The vec4 forms, for 16-byte aligned arguments (whole buffers are): 4 words per lane per
	// access, about twice as fast on lavapipe.
	kReluFwdVec4 = register("relu_fwd_vec4", reluFwdPC{})
	kReluBwdVec4 = register("relu_bwd_vec4", reluBwdPC{})
)

// reluFwdPC and reluBwdPC mirror relu_fwd.comp's and relu_bwd.comp's push constants.
type (
	reluFwdPC struct {
		Y, X gpu.Arg
		N    uint32
	}
	reluBwdPC struct {
		DX, DY, Y gpu.Arg
		N         uint32
	}
)

// mustCount panics unless the element count n of function fn is non-negative (a programmer error).
func mustCount(fn string, n int) {
	if n < 0 {
		panic(fmt.Sprintf("vk: %s: n = %d, want >= 0", fn, n))
	}
}

// ReLUForward records y[i] = max(0, x[i]) for i < n, as layers.ReLUForward; y may be x (in place).
// y, x [n].
func (l *Lib) ReLUForward(s *gpu.Seq, y, x gpu.Arg, n int) {
	mustCount("ReLUForward", n)
	mustFit("relu y", y, n)
	mustFit("relu x", x, n)
	k := kReluFwd
	if gpu.Aligned(y, 16) && gpu.Aligned(x, 16) {
		k = kReluFwdVec4
	}
	l.dispatch1D(s, k, n, shaders.ElemPerLane, reluFwdPC{Y: y, X: x, N: u32(n)})
}

// ReLUBackward records dx[i] = y[i] > 0 ? dy[i] : 0 for i < n from the forward output y, as
// layers.ReLUBackward; dx is overwritten and may be dy. dx, dy, y [n].
func (l *Lib) ReLUBackward(s *gpu.Seq, dx, dy, y gpu.Arg, n int) {
	mustCount("ReLUBackward", n)
	mustFit("relu dx", dx, n)
	mustFit("relu dy", dy, n)
	mustFit("relu y", y, n)
	k := kReluBwd
	if gpu.Aligned(dx, 16) && gpu.Aligned(dy, 16) && gpu.Aligned(y, 16) {
		k = kReluBwdVec4
	}
	l.dispatch1D(s, k, n, shaders.ElemPerLane, reluBwdPC{DX: dx, DY: dy, Y: y, N: u32(n)})
}
