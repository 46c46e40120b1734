package vk

import (
	"fmt"
	"testing"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers"
	"github.com/alexnet-vk/alexnet/layers/layerstest"
)

// SGD tolerance: each of v and w is a handful of roundings of O(1) terms, and the GPU compiler may
// fuse a multiply and an add (one rounding fewer than Go), so allow a few ulp of the terms.
const sgdAtol, sgdRtol = 1e-7, 1e-6

// sgdHyper is a paper-like {lr, mu, wd} and a scheduled one (lr divided by 10).
var sgdHyper = [][SGDHyperFloats]float32{{0.01, 0.9, 0.0005}, {0.001, 0.9, 0.0005}}

// sgdRef is the reference step on copies of w and v; decay false passes wd = 0.
func sgdRef(w, v, g []float32, h [SGDHyperFloats]float32, decay bool) ([]float32, []float32) {
	w, v = append([]float32(nil), w...), append([]float32(nil), v...)
	wd := h[2]
	if !decay {
		wd = 0
	}
	layers.SGD(w, v, g, h[0], h[1], wd)
	return w, v
}

// verifySGD runs one recorded update over n elements twice, rewriting the hyper buffer in between:
// each run must apply that step's lr. w and v start from random data (mid-training state) and are
// updated in place.
func verifySGD(t *testing.T, d *gpu.Device, l *Lib, n int, decay bool) {
	w, v, g := layerstest.Rand(n, 7), layerstest.Rand(n, 8), layerstest.Rand(n, 9)
	tw, tv, tg, th := in(t, d, w), in(t, d, v), in(t, d, g), in(t, d, sgdHyper[0][:])
	s := recorded(t, d, func(s *gpu.Seq) { l.SGD(s, tw.Arg(), tv.Arg(), tg.Arg(), th.Arg(), n, decay) })
	for step, h := range sgdHyper {
		if err := th.b.UploadF32(guard, h[:]); err != nil {
			t.Fatal(err)
		}
		run(t, s)
		w, v = sgdRef(w, v, g, h, decay)
		compare(t, fmt.Sprintf("v after step %d", step+1), tv.floats(), v, sgdAtol, sgdRtol, nil)
		compare(t, fmt.Sprintf("w after step %d", step+1), tw.floats(), w, sgdAtol, sgdRtol, nil)
	}
	tg.unchanged("g")
}

func TestSGD(t *testing.T) {
	d, l := setup(t)
	for _, c := range elemSizes {
		for _, decay := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/decay=%v", c.name, decay), func(t *testing.T) { verifySGD(t, d, l, c.n, decay) })
		}
	}
}

// The trainer updates a range of a parameter slab through Refs: only that range may change. At
// offset 37 floats the Refs are not 16-byte aligned (sgd_update), at 40 they are (sgd_update_vec4).
func TestSGDSlabRange(t *testing.T) {
	d, l := setup(t)
	const total, n = 5000, 2049 + 64
	for _, off := range []int{37, 40} {
		t.Run(fmt.Sprint("off=", off), func(t *testing.T) {
			w, v, g := layerstest.Rand(total, 10), layerstest.Rand(total, 11), layerstest.Rand(total, 12)
			tw, tv, tg, th := in(t, d, w), in(t, d, v), in(t, d, g), in(t, d, sgdHyper[0][:])
			at := func(x *tensor) gpu.Arg { return x.b.At(int64(guard+off) * 4) }
			record(t, d, func(s *gpu.Seq) { l.SGD(s, at(tw), at(tv), at(tg), th.Arg(), n, true) })
			wr, vr := sgdRef(w[off:off+n], v[off:off+n], g[off:off+n], sgdHyper[0], true)
			copy(w[off:], wr)
			copy(v[off:], vr)
			compare(t, "w", tw.floats(), w, sgdAtol, sgdRtol, nil)
			compare(t, "v", tv.floats(), v, sgdAtol, sgdRtol, nil)
		})
	}
}
