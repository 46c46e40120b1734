package vk

import (
	"testing"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers"
	"github.com/alexnet-vk/alexnet/layers/layerstest"
)

// maxPoolInputs are the inputs each case runs on: random values, values rounded to multiples of
// 1/2 (ties in most windows: the first in row-major order must win) and a constant (every window
// tied; with 3/2 windows an input wins several overlapping windows and its gradients add up).
var maxPoolInputs = []struct {
	name string
	make func(n int) []float32
}{
	{"rand", func(n int) []float32 { return layerstest.Rand(n, 16) }},
	{"ties", func(n int) []float32 {
		x := layerstest.Rand(n, 17)
		for i, v := range x {
			x[i] = float32(int(v*2)) / 2
		}
		return x
	}},
	{"constant", func(n int) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = -0.25
		}
		return x
	}},
}

// verifyMaxPool runs both directions of case p on input x against the reference. Max pooling
// only compares and copies, and the backward sums the same dy in the same order (increasing output
// index) as the reference, so both directions must match exactly.
func verifyMaxPool(t *testing.T, d *gpu.Device, l *Lib, p layers.MaxPool, x []float32) {
	oh, ow := p.OutH(), p.OutW()
	xs, ys := []int{p.N, p.C, p.H, p.W}, []int{p.N, p.C, oh, ow}
	nx, ny := p.N*p.C*p.H*p.W, p.N*p.C*oh*ow
	dy := layerstest.Rand(ny, 18)
	y, arg, dx := make([]float32, ny), make([]int32, ny), make([]float32, nx)
	layers.MaxPoolForward(y, arg, x, p)
	layers.MaxPoolBackward(dx, dy, arg, p)

	tx, ty, targ := in(t, d, x), out(t, d, ny), out(t, d, ny)
	record(t, d, func(s *gpu.Seq) { l.MaxPoolForward(s, ty.Arg(), targ.Arg(), tx.Arg(), p) })
	compare(t, "y", ty.floats(), y, 0, 0, ys)
	gotArg := targ.ints()
	for i := range arg {
		if gotArg[i] != arg[i] {
			t.Fatalf("arg mismatch at %s: got %d, want %d", layerstest.Coords(i, ys), gotArg[i], arg[i])
		}
	}
	tx.unchanged("x")

	tdy, targIn, tdx := in(t, d, dy), inI32(t, d, arg), out(t, d, nx)
	record(t, d, func(s *gpu.Seq) { l.MaxPoolBackward(s, tdx.Arg(), tdy.Arg(), targIn.Arg(), p) })
	compare(t, "dx", tdx.floats(), dx, 0, 0, xs)
	tdy.unchanged("dy")
	targIn.unchanged("arg")

	// The backward with the ReLU before the pool folded in: exact too (the same sums, fewer terms).
	layers.MaxPoolReLUBackward(dx, dy, y, arg, p)
	tyIn, tdxr := in(t, d, y), out(t, d, nx)
	record(t, d, func(s *gpu.Seq) { l.MaxPoolReLUBackward(s, tdxr.Arg(), tdy.Arg(), tyIn.Arg(), targIn.Arg(), p) })
	compare(t, "dx (relu mask)", tdxr.floats(), dx, 0, 0, xs)
	tdy.unchanged("dy")
	tyIn.unchanged("y")
	targIn.unchanged("arg")
}

func TestMaxPool(t *testing.T) {
	d, l := setup(t)
	for _, c := range maxPoolCases {
		for _, input := range maxPoolInputs {
			t.Run(c.name+"/"+input.name, func(t *testing.T) {
				verifyMaxPool(t, d, l, c.p, input.make(c.p.N*c.p.C*c.p.H*c.p.W))
			})
		}
	}
}
