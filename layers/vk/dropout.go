package vk

import (
	"fmt"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers"
	"github.com/alexnet-vk/alexnet/shaders"
)

var (
	kDropoutFwd = register("dropout_fwd", dropoutPC{})
	kDropoutBwd = register("dropout_bwd", dropoutPC{})
)

// dropoutPC mirrors the push constants of dropout_fwd.comp (y, x, ctr) and dropout_bwd.comp (dx, dy, ctr).
type dropoutPC struct {
	Out, In, Ctr gpu.Arg
	N, Threshold uint32
	Scale        float32
	Offset       uint32
}

// DropoutCtrBytes is the size of the counter a dropout kernel reads at ctr: {seed, step} as uint32.
const DropoutCtrBytes = 8

// dropoutPush checks the arguments common to both directions and returns the push constants,
// with the threshold and scale computed as layers.DropoutForward computes them.
func dropoutPush(fn string, out, in, ctr gpu.Arg, n int, p float64, offset uint32) dropoutPC {
	mustCount(fn, n)
	if err := (layers.Dropout{P: p}).Validate(); err != nil {
		panic(fmt.Sprintf("vk: %s: %v", fn, err))
	}
	mustFit("dropout ctr", ctr, DropoutCtrBytes/4)
	return dropoutPC{Out: out, In: in, Ctr: ctr, N: u32(n), Threshold: layers.DropoutThreshold(p), Scale: float32(1 / (1 - p)), Offset: offset}
}

// DropoutForward records inverted dropout y[i] = keep(i) ? x[i]/(1−p) : 0 for i < n, with the mask
// of layers.DropoutForward for Dropout{P: p, Seed: ctr[0], Step: ctr[1], Offset: offset}, bit for bit.
// The seed and step are read from the device buffer ctr (two uint32) when the sequence runs, so a
// sequence recorded once draws a new mask per step once the host rewrites ctr. y may be x.
// y, x [n]; ctr [2]uint32.
func (l *Lib) DropoutForward(s *gpu.Seq, y, x, ctr gpu.Arg, n int, p float64, offset uint32) {
	pc := dropoutPush("DropoutForward", y, x, ctr, n, p, offset)
	mustFit("dropout y", y, n)
	mustFit("dropout x", x, n)
	l.dispatch1D(s, kDropoutFwd, n, shaders.ElemPerLane, pc)
}

// DropoutBackward records dx[i] = keep(i) ? dy[i]/(1−p) : 0 for i < n with the same mask as
// DropoutForward for the same ctr contents, p and offset, as layers.DropoutBackward; dx is
// overwritten and may be dy. dx, dy [n]; ctr [2]uint32.
func (l *Lib) DropoutBackward(s *gpu.Seq, dx, dy, ctr gpu.Arg, n int, p float64, offset uint32) {
	pc := dropoutPush("DropoutBackward", dx, dy, ctr, n, p, offset)
	mustFit("dropout dx", dx, n)
	mustFit("dropout dy", dy, n)
	l.dispatch1D(s, kDropoutBwd, n, shaders.ElemPerLane, pc)
}
