package vk

import (
	"testing"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers"
	"github.com/alexnet-vk/alexnet/layers/layerstest"
)

// lrnTol returns the forward and backward tolerances of case p. scale sums the same squares in the
// same order as Go, so only a fused multiply-add may differ: 1e-6 relative. y and dy·scale^(−β) go
// through the GPU's pow, exp2(−β·log2 s), good to a few ulp (Vulkan allows 3 ulp per step), so 1e-5
// relative. dx = dy·scale^(−β) − 2aβ·x·Σ_j dy_j·y_j/scale_j: the second term, up to 2aβ·Size for
// inputs in [−1, 1] and K >= 1, may cancel the first, so dx's error follows the size of the terms,
// not of dx: an absolute part of 1e-6·(1 + 2aβ·Size).
func lrnTol(p layers.LRN) (scaleRtol, yRtol, dxAtol float64) {
	return 1e-6, 1e-5, 1e-6 * (1 + 2*p.EffAlpha()*p.Beta*float64(p.Size))
}

// verifyLRN runs both directions of case p against the reference; the backward pass takes the
// reference forward's y and scale, so it is tested on its own.
func verifyLRN(t *testing.T, d *gpu.Device, l *Lib, p layers.LRN) {
	size, shape := p.N*p.C*p.H*p.W, []int{p.N, p.C, p.H, p.W}
	x, dy := layerstest.Rand(size, 13), layerstest.Rand(size, 15)
	y, scale, dx := make([]float32, size), make([]float32, size), make([]float32, size)
	layers.LRNForward(y, scale, x, p)
	layers.LRNBackward(dx, dy, x, y, scale, p)
	scaleRtol, yRtol, dxAtol := lrnTol(p)

	tx, ty, tscale := in(t, d, x), out(t, d, size), out(t, d, size)
	record(t, d, func(s *gpu.Seq) { l.LRNForward(s, ty.Arg(), tscale.Arg(), tx.Arg(), p) })
	compare(t, "scale", tscale.floats(), scale, 0, scaleRtol, shape)
	compare(t, "y", ty.floats(), y, 1e-7, yRtol, shape)
	tx.unchanged("x")

	tdy, tyIn, tscaleIn, tdx := in(t, d, dy), in(t, d, y), in(t, d, scale), out(t, d, size)
	record(t, d, func(s *gpu.Seq) { l.LRNBackward(s, tdx.Arg(), tdy.Arg(), tx.Arg(), tyIn.Arg(), tscaleIn.Arg(), p) })
	compare(t, "dx", tdx.floats(), dx, dxAtol, yRtol, shape)
	tdy.unchanged("dy")
	tx.unchanged("x")
	tyIn.unchanged("y")
	tscaleIn.unchanged("scale")

	// The backward with the ReLU before the LRN folded in (x's negative half masked), same tolerances.
	layers.LRNReLUBackward(dx, dy, x, y, scale, p)
	tdxr := out(t, d, size)
	record(t, d, func(s *gpu.Seq) { l.LRNReLUBackward(s, tdxr.Arg(), tdy.Arg(), tx.Arg(), tyIn.Arg(), tscaleIn.Arg(), p) })
	compare(t, "dx (relu mask)", tdxr.floats(), dx, dxAtol, yRtol, shape)
	tx.unchanged("x")
}

func TestLRN(t *testing.T) {
	d, l := setup(t)
	for _, c := range lrnCases {
		t.Run(c.name, func(t *testing.T) { verifyLRN(t, d, l, c.p) })
	}
}
