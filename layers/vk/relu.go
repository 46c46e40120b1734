package vk

import (
	"fmt"

	"github.com/alexnet-vk/alexnet/gpu"
)

// elemPerGroup is how many elements one workgroup of the elementwise kernels (relu, dropout, sgd)
// handles: 64 invocations × 32 elements each (PER in their shaders), strided by 64 so that
// neighbouring invocations touch neighbouring words.
const elemPerGroup = 64 * 32

var (
	kReluFwd = register("relu_fwd", 1, gpu.Write, gpu.Read)
	kReluBwd = register("relu_bwd", 1, gpu.Write, gpu.Read, gpu.Read)
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
	l.dispatch1D(s, kReluFwd, n, elemPerGroup, args(y, x), n)
}

// ReLUBackward records dx[i] = y[i] > 0 ? dy[i] : 0 for i < n from the forward output y, as
// layers.ReLUBackward; dx is overwritten and may be dy. dx, dy, y [n].
func (l *Lib) ReLUBackward(s *gpu.Seq, dx, dy, y gpu.Arg, n int) {
	mustCount("ReLUBackward", n)
	mustFit("relu dx", dx, n)
	mustFit("relu dy", dy, n)
	mustFit("relu y", y, n)
	l.dispatch1D(s, kReluBwd, n, elemPerGroup, args(dx, dy, y), n)
}
