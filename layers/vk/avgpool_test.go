package vk

import (
	"testing"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers"
	"github.com/alexnet-vk/alexnet/layers/layerstest"
)

// Both directions add the same terms in the same order as the reference; only the division by the
// cell size may differ (Vulkan allows 2.5 ulp for GLSL's /), so 1e-6 relative, and an absolute part
// for backward sums of several rounded quotients that may cancel.
const avgAtol, avgRtol = 1e-7, 1e-6

// verifyAvgPool runs both directions of case p against the reference.
func verifyAvgPool(t *testing.T, d *gpu.Device, l *Lib, p layers.AvgPool) {
	xs, ys := []int{p.N, p.C, p.H, p.W}, []int{p.N, p.C, p.OH, p.OW}
	nx, ny := p.N*p.C*p.H*p.W, p.N*p.C*p.OH*p.OW
	x, dy := layerstest.Rand(nx, 19), layerstest.Rand(ny, 20)
	y, dx := make([]float32, ny), make([]float32, nx)
	layers.AvgPoolForward(y, x, p)
	layers.AvgPoolBackward(dx, dy, p)
	tx, tdy, ty, tdx := in(t, d, x), in(t, d, dy), out(t, d, ny), out(t, d, nx)
	record(t, d, func(s *gpu.Seq) {
		l.AvgPoolForward(s, ty.Arg(), tx.Arg(), p)
		l.AvgPoolBackward(s, tdx.Arg(), tdy.Arg(), p)
	})
	compare(t, "y", ty.floats(), y, avgAtol, avgRtol, ys)
	compare(t, "dx", tdx.floats(), dx, 4*avgAtol, avgRtol, xs)
	tx.unchanged("x")
	tdy.unchanged("dy")
}

func TestAvgPool(t *testing.T) {
	d, l := setup(t)
	for _, c := range avgPoolCases {
		t.Run(c.name, func(t *testing.T) { verifyAvgPool(t, d, l, c.p) })
	}
}

// An identity pool is a buffer copy unless y and x overlap; forward in place runs the kernel
// (as before the copy existed; the backward kernel was never in-place safe).
func TestAvgPoolIdentityInPlace(t *testing.T) {
	d, l := setup(t)
	p := layers.AvgPool{N: 2, C: 3, H: 5, W: 7, OH: 5, OW: 7}
	n := p.N * p.C * p.H * p.W
	x, y := layerstest.Rand(n, 21), make([]float32, n)
	layers.AvgPoolForward(y, x, p)
	tx := in(t, d, x)
	record(t, d, func(s *gpu.Seq) { l.AvgPoolForward(s, tx.Arg(), tx.Arg(), p) })
	compare(t, "y in place", tx.floats(), y, 0, 0, nil)
}
