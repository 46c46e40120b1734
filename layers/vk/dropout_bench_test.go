package vk

import (
	"fmt"
	"testing"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers/layerstest"
)

// benchDropout runs fwd (true) or bwd over fc6's 4096 outputs per image with p = 0.5; both move 8
// bytes per element.
func benchDropout(b *testing.B, fwd bool) {
	for _, batch := range benchBatches {
		b.Run(fmt.Sprintf("fc6/batch%d", batch), func(b *testing.B) {
			d, l := setup(b)
			n := 4096 * batch
			x, y := benchBuf(b, d, n, layerstest.Rand(n, 1)), benchBuf(b, d, n, nil)
			ctr := benchBuf(b, d, 2, []float32{1, 2})
			benchRun(b, d, 8*n, func(s *gpu.Seq) {
				if fwd {
					l.DropoutForward(s, y, x, ctr, n, 0.5, 0)
				} else {
					l.DropoutBackward(s, y, x, ctr, n, 0.5, 0)
				}
			})
		})
	}
}

func BenchmarkDropoutForward(b *testing.B)  { benchDropout(b, true) }
func BenchmarkDropoutBackward(b *testing.B) { benchDropout(b, false) }
