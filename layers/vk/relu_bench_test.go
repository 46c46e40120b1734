package vk

import (
	"fmt"
	"testing"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers/layerstest"
)

// reluBenchMaps are per-image activation sizes of the paper net: conv1 and conv2 outputs and fc6.
var reluBenchMaps = []sized{{"alexnet/conv1", 96 * 55 * 55}, {"alexnet/conv2", 256 * 27 * 27}, {"fc6", 4096}}

// BenchmarkReLUForward moves 8 bytes per element (read x, write y); BenchmarkReLUBackward 12.
func BenchmarkReLUForward(b *testing.B) {
	for _, m := range reluBenchMaps {
		for _, batch := range benchBatches {
			b.Run(fmt.Sprintf("%s/batch%d", m.name, batch), func(b *testing.B) {
				d, l := setup(b)
				n := m.n * batch
				x, y := benchBuf(b, d, n, layerstest.Rand(n, 1)), benchBuf(b, d, n, nil)
				benchRun(b, d, 8*n, func(s *gpu.Seq) { l.ReLUForward(s, y, x, n) })
			})
		}
	}
}

func BenchmarkReLUBackward(b *testing.B) {
	for _, m := range reluBenchMaps {
		for _, batch := range benchBatches {
			b.Run(fmt.Sprintf("%s/batch%d", m.name, batch), func(b *testing.B) {
				d, l := setup(b)
				n := m.n * batch
				dy, y, dx := benchBuf(b, d, n, layerstest.Rand(n, 1)), benchBuf(b, d, n, layerstest.Rand(n, 2)), benchBuf(b, d, n, nil)
				benchRun(b, d, 12*n, func(s *gpu.Seq) { l.ReLUBackward(s, dx, dy, y, n) })
			})
		}
	}
}
