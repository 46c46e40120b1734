package vk

import (
	"math"
	"testing"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers"
	"github.com/alexnet-vk/alexnet/layers/layerstest"
)

// reluInput is random data with the values a comparison can get wrong at its start: 0, −0, NaN.
func reluInput(n int, seed uint64) []float32 {
	x := layerstest.Rand(n, seed)
	special := []float32{0, float32(math.Copysign(0, -1)), float32(math.NaN())}
	copy(x, special[:min(n, len(special))])
	return x
}

// ReLU is a comparison and a copy, so the GPU must match the reference exactly (tolerance 0).
func TestReLUForward(t *testing.T) {
	d, l := setup(t)
	for _, c := range elemSizes {
		t.Run(c.name, func(t *testing.T) {
			x := reluInput(c.n, 1)
			want := make([]float32, c.n)
			layers.ReLUForward(want, x)
			tx, ty := in(t, d, x), out(t, d, c.n)
			record(t, d, func(s *gpu.Seq) { l.ReLUForward(s, ty.Arg(), tx.Arg(), c.n) })
			compare(t, "y", ty.floats(), want, 0, 0, nil)
			tx.unchanged("x")

			inPlace := in(t, d, x)
			record(t, d, func(s *gpu.Seq) { l.ReLUForward(s, inPlace.Arg(), inPlace.Arg(), c.n) })
			compare(t, "y in place", inPlace.floats(), want, 0, 0, nil)
		})
	}
}

func TestReLUBackward(t *testing.T) {
	d, l := setup(t)
	for _, c := range elemSizes {
		t.Run(c.name, func(t *testing.T) {
			y := make([]float32, c.n)
			layers.ReLUForward(y, reluInput(c.n, 2))
			dy := layerstest.Rand(c.n, 3)
			want := make([]float32, c.n)
			layers.ReLUBackward(want, dy, y)
			tdy, ty, tdx := in(t, d, dy), in(t, d, y), out(t, d, c.n)
			record(t, d, func(s *gpu.Seq) { l.ReLUBackward(s, tdx.Arg(), tdy.Arg(), ty.Arg(), c.n) })
			compare(t, "dx", tdx.floats(), want, 0, 0, nil)
			tdy.unchanged("dy")
			ty.unchanged("y")

			inPlace := in(t, d, dy)
			record(t, d, func(s *gpu.Seq) { l.ReLUBackward(s, inPlace.Arg(), inPlace.Arg(), ty.Arg(), c.n) })
			compare(t, "dx in place", inPlace.floats(), want, 0, 0, nil)
		})
	}
}
