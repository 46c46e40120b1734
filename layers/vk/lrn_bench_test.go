package vk

import (
	"fmt"
	"testing"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers"
	"github.com/alexnet-vk/alexnet/layers/layerstest"
)

// lrnBenchMaps are the paper's two LRN inputs per image: conv1's and conv2's outputs.
var lrnBenchMaps = []struct {
	name    string
	c, h, w int
}{{"alexnet/conv1", 96, 55, 55}, {"alexnet/conv2", 256, 27, 27}}

// BenchmarkLRNForward moves 12 bytes per element (read x; write y, scale).
func BenchmarkLRNForward(b *testing.B) {
	for _, m := range lrnBenchMaps {
		for _, batch := range benchBatches {
			b.Run(fmt.Sprintf("%s/batch%d", m.name, batch), func(b *testing.B) {
				d, l := setup(b)
				p := layers.PaperLRN(batch, m.c, m.h, m.w)
				n := batch * m.c * m.h * m.w
				x, y, scale := benchBuf(b, d, n, layerstest.Rand(n, 1)), benchBuf(b, d, n, nil), benchBuf(b, d, n, nil)
				benchRun(b, d, 12*n, func(s *gpu.Seq) { l.LRNForward(s, y, scale, x, p) })
			})
		}
	}
}

// BenchmarkLRNBackward moves 20 bytes per element (read dy, x, y, scale; write dx).
func BenchmarkLRNBackward(b *testing.B) {
	for _, m := range lrnBenchMaps {
		for _, batch := range benchBatches {
			b.Run(fmt.Sprintf("%s/batch%d", m.name, batch), func(b *testing.B) {
				d, l := setup(b)
				p := layers.PaperLRN(batch, m.c, m.h, m.w)
				n := batch * m.c * m.h * m.w
				x, dy := layerstest.Rand(n, 1), layerstest.Rand(n, 2)
				y, scale := make([]float32, n), make([]float32, n)
				layers.LRNForward(y, scale, x, p)
				bx, bdy, by, bscale := benchBuf(b, d, n, x), benchBuf(b, d, n, dy), benchBuf(b, d, n, y), benchBuf(b, d, n, scale)
				dx := benchBuf(b, d, n, nil)
				benchRun(b, d, 20*n, func(s *gpu.Seq) { l.LRNBackward(s, dx, bdy, bx, by, bscale, p) })
			})
		}
	}
}
