package vk

import (
	"testing"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers"
	"github.com/alexnet-vk/alexnet/layers/layerstest"
)

// linearShapes: AlexNet's fully connected layers (fc6's weight matrix is 144 MiB, over lavapipe's
// 128 MiB maxStorageBufferRange) at batch 1 and 2, and awkward sizes.
var linearShapes = []struct {
	name string
	p    layers.Linear
}{
	{"fc6/b1", layers.Linear{N: 1, In: 9216, Out: 4096}},
	{"fc6/b2", layers.Linear{N: 2, In: 9216, Out: 4096}},
	{"fc7/b2", layers.Linear{N: 2, In: 4096, Out: 4096}},
	{"fc8/b1", layers.Linear{N: 1, In: 4096, Out: 1000}},
	{"fc8/b2", layers.Linear{N: 2, In: 4096, Out: 1000}},
	{"small-fc8-10", layers.Linear{N: 3, In: 256, Out: 10}},
	{"1x1", layers.Linear{N: 1, In: 1, Out: 1}},
	{"odd", layers.Linear{N: 17, In: 13, Out: 515}},
	{"wide-batch", layers.Linear{N: 130, In: 7, Out: 3}},
}

// TestLinear runs every gemm variant the device runs over the linear layers' shapes.
func TestLinear(t *testing.T) {
	d, _ := setup(t)
	for i, tc := range linearShapes {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.p
			x, w, b := layerstest.Rand(p.N*p.In, uint64(i+1)), layerstest.Rand(p.Out*p.In, uint64(i+2)), layerstest.Rand(p.Out, uint64(i+3))
			dy, dw0, db0 := layerstest.Rand(p.N*p.Out, uint64(i+4)), layerstest.Rand(p.Out*p.In, uint64(i+5)), layerstest.Rand(p.Out, uint64(i+6))
			y64, dx64, dw64, db64 := make([]float64, p.N*p.Out), make([]float64, p.N*p.In), f64(dw0), f64(db0)
			layers.LinearForward(y64, f64(x), f64(w), f64(b), p)
			layers.LinearBackwardData(dx64, f64(dy), f64(w), p)
			layers.LinearBackwardWeight(dw64, db64, f64(dy), f64(x), p)
			tx, tw, tb, tdy := in(t, d, x), in(t, d, w), in(t, d, b), in(t, d, dy)
			for _, v := range everyVariant(t) {
				t.Run(v.name, func(t *testing.T) {
					l := v.lib
					ty, tdx, tdw, tdb := out(t, d, p.N*p.Out), out(t, d, p.N*p.In), in(t, d, dw0), in(t, d, db0)
					record(t, d, func(s *gpu.Seq) {
						l.LinearForward(s, ty.Arg(), tx.Arg(), tw.Arg(), tb.Arg(), p, false)
						l.LinearBackwardData(s, tdx.Arg(), tdy.Arg(), tw.Arg(), p)
						l.LinearBackwardWeight(s, tdw.Arg(), tdb.Arg(), tdy.Arg(), tx.Arg(), p)
					})
					atol, rtol := gemmTol(p.In)
					compare(t, "y", ty.floats(), f32(y64), atol, rtol, []int{p.N, p.Out})
					atol, rtol = gemmTol(p.Out)
					compare(t, "dx", tdx.floats(), f32(dx64), atol, rtol, []int{p.N, p.In})
					atol, rtol = gemmTol(p.N)
					compare(t, "dw", tdw.floats(), f32(dw64), atol, rtol, []int{p.Out, p.In})
					compare(t, "db", tdb.floats(), f32(db64), atol, rtol, nil)
				})
			}
			tx.unchanged("x")
			tw.unchanged("w")
			tdy.unchanged("dy")
		})
	}
}
