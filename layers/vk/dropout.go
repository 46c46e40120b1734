package vk

import (
	"fmt"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers"
)

var (
	kDropoutFwd = register("dropout_fwd", 4, gpu.Write, gpu.Read, gpu.Read)
	kDropoutBwd = register("dropout_bwd", 4, gpu.Write, gpu.Read, gpu.Read)
)

// DropoutCtrBytes is the size of the counter a dropout kernel reads at ctr: {seed, step} as uint32.
const DropoutCtrBytes = 8

// dropoutScalars checks the arguments common to both directions and returns the push constants
// n, threshold, scale and offset, computed as layers.DropoutForward computes them.
func dropoutScalars(fn string, ctr gpu.Arg, n int, p float64, offset uint32) []any {
	mustCount(fn, n)
	if err := (layers.Dropout{P: p}).Validate(); err != nil {
		panic(fmt.Sprintf("vk: %s: %v", fn, err))
	}
	mustFit("dropout ctr", ctr, DropoutCtrBytes/4)
	return []any{n, layers.DropoutThreshold(p), float32(1 / (1 - p)), offset}
}

// DropoutForward records inverted dropout y[i] = keep(i) ? x[i]/(1−p) : 0 for i < n, with the mask
// of layers.DropoutForward for Dropout{P: p, Seed: ctr[0], Step: ctr[1], Offset: offset}, bit for bit.
// The seed and step are read from the device buffer ctr (two uint32) when the sequence runs, so a
// sequence recorded once draws a new mask per step once the host rewrites ctr. y may be x.
// y, x [n]; ctr [2]uint32.
func (l *Lib) DropoutForward(s *gpu.Seq, y, x, ctr gpu.Arg, n int, p float64, offset uint32) {
	sc := dropoutScalars("DropoutForward", ctr, n, p, offset)
	mustFit("dropout y", y, n)
	mustFit("dropout x", x, n)
	l.dispatch1D(s, kDropoutFwd, n, elemPerGroup, args(y, x, ctr), sc...)
}

// DropoutBackward records dx[i] = keep(i) ? dy[i]/(1−p) : 0 for i < n with the same mask as
// DropoutForward for the same ctr contents, p and offset, as layers.DropoutBackward; dx is
// overwritten and may be dy. dx, dy [n]; ctr [2]uint32.
func (l *Lib) DropoutBackward(s *gpu.Seq, dx, dy, ctr gpu.Arg, n int, p float64, offset uint32) {
	sc := dropoutScalars("DropoutBackward", ctr, n, p, offset)
	mustFit("dropout dx", dx, n)
	mustFit("dropout dy", dy, n)
	l.dispatch1D(s, kDropoutBwd, n, elemPerGroup, args(dx, dy, ctr), sc...)
}
