package vk

import (
	"fmt"
	"testing"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers"
	"github.com/alexnet-vk/alexnet/layers/layerstest"
)

// avgPoolBenchMaps are torchvision's adaptive pool to 6×6, from its own 6×6 and from 13×13.
var avgPoolBenchMaps = []struct {
	name    string
	c, h, w int
}{{"alexnet-tv/6to6", 256, 6, 6}, {"13to6", 256, 13, 13}}

// benchAvgPool moves 4 bytes per input and per output in either direction.
func benchAvgPool(b *testing.B, fwd bool) {
	for _, m := range avgPoolBenchMaps {
		for _, batch := range benchBatches {
			b.Run(fmt.Sprintf("%s/batch%d", m.name, batch), func(b *testing.B) {
				d, l := setup(b)
				p := layers.AvgPool{N: batch, C: m.c, H: m.h, W: m.w, OH: 6, OW: 6}
				nx, ny := batch*m.c*m.h*m.w, batch*m.c*36
				bx, by := benchBuf(b, d, nx, layerstest.Rand(nx, 1)), benchBuf(b, d, ny, layerstest.Rand(ny, 2))
				benchRun(b, d, 4*(nx+ny), func(s *gpu.Seq) {
					if fwd {
						l.AvgPoolForward(s, by, bx, p)
					} else {
						l.AvgPoolBackward(s, bx, by, p)
					}
				})
			})
		}
	}
}

func BenchmarkAvgPoolForward(b *testing.B)  { benchAvgPool(b, true) }
func BenchmarkAvgPoolBackward(b *testing.B) { benchAvgPool(b, false) }
