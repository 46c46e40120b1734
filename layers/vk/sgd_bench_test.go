package vk

import (
	"testing"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers/layerstest"
)

// BenchmarkSGD updates every parameter of the paper net (60,965,224, one slab) and of fc8 alone;
// it moves 20 bytes per parameter (read w, v, g; write w, v). Independent of the batch size.
func BenchmarkSGD(b *testing.B) {
	for _, c := range []sized{{"alexnet/all", 60965224}, {"fc8", 4096*1000 + 1000}} {
		b.Run(c.name, func(b *testing.B) {
			d, l := setup(b)
			n := c.n
			w, v, g := benchBuf(b, d, n, layerstest.Rand(n, 1)), benchBuf(b, d, n, nil), benchBuf(b, d, n, layerstest.Rand(n, 2))
			hyper := benchBuf(b, d, SGDHyperFloats, []float32{0.01, 0.9, 0.0005})
			if err := v.UploadF32(0, make([]float32, n)); err != nil {
				b.Fatal(err)
			}
			benchRun(b, d, 20*n, func(s *gpu.Seq) { l.SGD(s, w, v, g, hyper, n, true) })
		})
	}
}
