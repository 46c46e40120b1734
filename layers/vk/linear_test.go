package vk

import (
	"fmt"
	"testing"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers"
	"github.com/alexnet-vk/alexnet/layers/layerstest"
)

// linearShapes: AlexNet's fully connected layers (fc6's weight matrix is 144 MiB, over lavapipe's
// 128 MiB maxStorageBufferRange) at batch 1 and 2, and awkward sizes: batches around the Mid
// kernel's tile (65, 96, 130) and sizes that are no multiple of 16 or 64, for both LinearForward forms.
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
	{"b3", layers.Linear{N: 3, In: 70, Out: 33}},
	{"b65", layers.Linear{N: 65, In: 37, Out: 100}},
	{"b96", layers.Linear{N: 96, In: 29, Out: 70}},
	{"b130", layers.Linear{N: 130, In: 300, Out: 77}},
}

// linearForms returns the LinearForward forms to check on l beside the one it chooses: the other
// one where l's variant has the transposed form, for shapes small enough to run twice (fc6 and
// fc7 are not). TestLinear runs them with the fused ReLU.
func linearForms(l *Lib, p layers.Linear) []int {
	if l.Choice.Of(ProductGemm).Mid == "" || p.In*p.Out > 1<<20 {
		return nil
	}
	if l.linearTransposed(p) {
		return []int{linearDirect}
	}
	return []int{linearTransposed}
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
					for _, form := range linearForms(l, p) { // with the fused ReLU
						ty := out(t, d, p.N*p.Out)
						l.linearForm = form
						record(t, d, func(s *gpu.Seq) {
							l.LinearForward(s, ty.Arg(), tx.Arg(), tw.Arg(), tb.Arg(), p, true)
						})
						l.linearForm = 0
						relu := f32(y64)
						for i, v := range relu {
							relu[i] = max(v, 0)
						}
						atol, rtol := gemmTol(p.In)
						compare(t, fmt.Sprintf("relu(y) (form %d)", form), ty.floats(), relu, atol, rtol, []int{p.N, p.Out})
					}
				})
			}
			tx.unchanged("x")
			tw.unchanged("w")
			tdy.unchanged("dy")
		})
	}
}

// transpose against its CPU reference (an exact permutation), over shapes around its runs of
// TransposeRun columns and the workgroup width.
func TestTranspose(t *testing.T) {
	d, l := setup(t)
	for i, c := range []struct{ r, c int }{{1, 1}, {1, 17}, {3, 16}, {65, 37}, {130, 300}, {7, 1}} {
		x := layerstest.Rand(c.r*c.c, uint64(i+60))
		want := make([]float32, c.r*c.c)
		transposeRef(want, x, c.r, c.c)
		tx, tt := in(t, d, x), out(t, d, len(want))
		record(t, d, func(s *gpu.Seq) { l.transpose(s, tt.Arg(), tx.Arg(), c.r, c.c) })
		compare(t, fmt.Sprintf("transpose %dx%d", c.r, c.c), tt.floats(), want, 0, 0, []int{c.c, c.r})
		tx.unchanged("x")
	}
}
