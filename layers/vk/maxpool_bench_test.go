package vk

import (
	"fmt"
	"testing"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers"
	"github.com/alexnet-vk/alexnet/layers/layerstest"
)

// maxPoolBenchMaps are the 3/2 pools of both variants, per image.
var maxPoolBenchMaps = []struct {
	name    string
	c, h, w int
}{{"alexnet/pool1", 96, 55, 55}, {"alexnet/pool2", 256, 27, 27}, {"alexnet/pool5", 256, 13, 13}, {"alexnet-tv/pool1", 64, 55, 55}}

// benchMaxPool moves 4 bytes per input and 8 per output (value and arg) in either direction.
func benchMaxPool(b *testing.B, fwd bool) {
	for _, m := range maxPoolBenchMaps {
		for _, batch := range benchBatches {
			b.Run(fmt.Sprintf("%s/batch%d", m.name, batch), func(b *testing.B) {
				d, l := setup(b)
				p := layers.MaxPool{N: batch, C: m.c, H: m.h, W: m.w, Size: 3, Stride: 2}
				nx, ny := batch*m.c*m.h*m.w, batch*m.c*p.OutH()*p.OutW()
				x := layerstest.Rand(nx, 1)
				y, arg := make([]float32, ny), make([]int32, ny)
				layers.MaxPoolForward(y, arg, x, p)
				bx, by, barg := benchBuf(b, d, nx, x), benchBuf(b, d, ny, layerstest.Rand(ny, 2)), benchBuf(b, d, ny, nil)
				if err := barg.Upload(0, gpu.I32Bytes(arg)); err != nil {
					b.Fatal(err)
				}
				benchRun(b, d, 4*nx+8*ny, func(s *gpu.Seq) {
					if fwd {
						l.MaxPoolForward(s, by, barg, bx, p)
					} else {
						l.MaxPoolBackward(s, bx, by, barg, p)
					}
				})
			})
		}
	}
}

func BenchmarkMaxPoolForward(b *testing.B)  { benchMaxPool(b, true) }
func BenchmarkMaxPoolBackward(b *testing.B) { benchMaxPool(b, false) }
