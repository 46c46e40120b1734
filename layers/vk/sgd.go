package vk

import (
	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/shaders"
)

var (
	kSGD     = register("sgd_update", sgdPC{})
	kSGDVec4 = register("sgd_update_vec4", sgdPC{})
)

// sgdPC mirrors sgd_update.comp's push constants.
type sgdPC struct {
	W, V, G, Hyper gpu.Arg
	N, Decay       uint32
}

// SGDHyperFloats is the length of the hyper-parameter buffer SGD reads: {lr, mu, wd} as float32.
const SGDHyperFloats = 3

// SGD records the paper's update (§5) in place over n elements, as layers.SGD:
//
//	v[i] = mu·v[i] − wd·lr·w[i] − lr·g[i],   w[i] = w[i] + v[i]
//
// lr, mu and wd are read from the device buffer hyper = {lr, mu, wd} (float32) when the sequence
// runs, so a schedule changes lr without re-recording. decay = false drops the wd term (biases).
// w and v [n] are updated in place; g [n] (a range of a parameter slab is passed as a Ref).
// When w, v and g are all 16-byte aligned (whole buffers are) the vec4 kernel runs (4 words per
// lane per access: about 2× faster on lavapipe); a Ref at another offset takes the float kernel.
func (l *Lib) SGD(s *gpu.Seq, w, v, g, hyper gpu.Arg, n int, decay bool) {
	mustCount("SGD", n)
	mustFit("sgd w", w, n)
	mustFit("sgd v", v, n)
	mustFit("sgd g", g, n)
	mustFit("sgd hyper", hyper, SGDHyperFloats)
	k := kSGD
	if gpu.Aligned(w, 16) && gpu.Aligned(v, 16) && gpu.Aligned(g, 16) {
		k = kSGDVec4
	}
	l.dispatch1D(s, k, n, shaders.ElemPerLane, sgdPC{W: w, V: v, G: g, Hyper: hyper, N: u32(n), Decay: b32(decay)})
}
