package vk

import (
	"fmt"
	"testing"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers/layerstest"
)

// BenchmarkSoftmaxCE runs the loss kernel and the reduction over fc8's 1000 classes, as a training
// step does; it moves 8 bytes per logit (read z, write dz).
func BenchmarkSoftmaxCE(b *testing.B) {
	for _, batch := range benchBatches {
		b.Run(fmt.Sprintf("fc8/batch%d", batch), func(b *testing.B) {
			d, l := setup(b)
			const k = 1000
			n := batch
			labels := softmaxLabels(n, k, 1)
			z, dz := benchBuf(b, d, n*k, layerstest.Rand(n*k, 2)), benchBuf(b, d, n*k, nil)
			loss, hits, stats, bl := benchBuf(b, d, n, nil), benchBuf(b, d, 2*n, nil), benchBuf(b, d, StatFloats, nil), benchBuf(b, d, n, nil)
			if err := bl.Upload(0, gpu.I32Bytes(labels)); err != nil {
				b.Fatal(err)
			}
			benchRun(b, d, 8*n*k, func(s *gpu.Seq) {
				l.SoftmaxCE(s, dz, loss, hits, z, bl, n, k, 1/float32(n))
				l.SoftmaxCEReduce(s, stats, loss, hits, n)
			})
		})
	}
}
