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

// verifyReLU runs both directions over n elements, out of place and in place, against the reference.
// ReLU is a comparison and a copy, so the GPU must match exactly (tolerance 0).
func verifyReLU(t *testing.T, d *gpu.Device, l *Lib, n int) {
	x, dy := reluInput(n, 1), layerstest.Rand(n, 3)
	y, dx := make([]float32, n), make([]float32, n)
	layers.ReLUForward(y, x)
	layers.ReLUBackward(dx, dy, y)

	tx, ty := in(t, d, x), out(t, d, n)
	tdy, tyIn, tdx := in(t, d, dy), in(t, d, y), out(t, d, n)
	record(t, d, func(s *gpu.Seq) {
		l.ReLUForward(s, ty.Arg(), tx.Arg(), n)
		l.ReLUBackward(s, tdx.Arg(), tdy.Arg(), tyIn.Arg(), n)
	})
	compare(t, "y", ty.floats(), y, 0, 0, nil)
	compare(t, "dx", tdx.floats(), dx, 0, 0, nil)
	tx.unchanged("x")
	tdy.unchanged("dy")
	tyIn.unchanged("y")

	yInPlace, dxInPlace := in(t, d, x), in(t, d, dy)
	record(t, d, func(s *gpu.Seq) {
		l.ReLUForward(s, yInPlace.Arg(), yInPlace.Arg(), n)
		l.ReLUBackward(s, dxInPlace.Arg(), dxInPlace.Arg(), tyIn.Arg(), n)
	})
	compare(t, "y in place", yInPlace.floats(), y, 0, 0, nil)
	compare(t, "dx in place", dxInPlace.floats(), dx, 0, 0, nil)
}

func TestReLU(t *testing.T) {
	d, l := setup(t)
	for _, c := range elemSizes {
		t.Run(c.name, func(t *testing.T) { verifyReLU(t, d, l, c.n) })
	}
}

// Arguments that are not 16-byte aligned (Refs one float into their buffers) take relu_fwd and
// relu_bwd instead of their vec4 forms; only the range may change.
func TestReLUUnaligned(t *testing.T) {
	d, l := setup(t)
	const n = 2049 + 64
	x, dy := reluInput(n+1, 4), layerstest.Rand(n+1, 5)
	y, dx := append([]float32(nil), x...), append([]float32(nil), dy...)
	layers.ReLUForward(y[1:], x[1:])
	layers.ReLUBackward(dx[1:], dy[1:], y[1:])
	tx, ty, tdy, tyIn, tdx := in(t, d, x), in(t, d, x), in(t, d, dy), in(t, d, y), in(t, d, dy)
	at := func(x *tensor) gpu.Arg { return x.b.At((guard + 1) * 4) }
	record(t, d, func(s *gpu.Seq) {
		l.ReLUForward(s, at(ty), at(tx), n)
		l.ReLUBackward(s, at(tdx), at(tdy), at(tyIn), n)
	})
	compare(t, "y", ty.floats(), y, 0, 0, nil)
	compare(t, "dx", tdx.floats(), dx, 0, 0, nil)
	tx.unchanged("x")
	tdy.unchanged("dy")
}
