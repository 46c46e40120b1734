package vk

import (
	"fmt"
	"testing"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers"
	"github.com/alexnet-vk/alexnet/layers/layerstest"
)

// benchScratch is the column scratch the benchmarks give conv2d (the trainer sizes its own).
const benchScratch = 128 << 20

// runBench records fn once and reports GFLOP/s for flops per run over b.N runs.
func runBench(b *testing.B, d *gpu.Device, flops int64, fn func(s *gpu.Seq)) {
	s, err := d.NewSeq(b.Name(), 0)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Free()
	fn(s)
	if err := s.End(); err != nil {
		b.Fatal(err)
	}
	if err := s.Run(); err != nil { // warm-up: first-dispatch JIT, caches
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := s.Run(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(flops)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/run")
}

func newBuf(b *testing.B, d *gpu.Device, floats int) *gpu.Buffer {
	buf, err := d.NewBuffer("bench", int64(floats)*4, gpu.DeviceMemory)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(buf.Free)
	if err := buf.UploadF32(0, layerstest.Rand(floats, uint64(floats))); err != nil {
		b.Fatal(err)
	}
	return buf
}

// BenchmarkConv2D times forward (implicit gemm; fwd-cols: im2col + gemm), backward-data and
// backward-filter of the conv layers of AlexNet, alexnet-tv and alexnet-small at batch 32 and 128,
// and the Winograd passes (wino-*, and wino4-* for F(4×4,3×3)) of the 3×3 and 5×5 stride-1 layers.
func BenchmarkConv2D(b *testing.B) {
	d, l := setup(b)
	for _, batch := range []int{32, 128} {
		for _, tc := range convShapes[:15] {
			p := tc.p
			p.N = batch
			ny := p.N * p.K * p.OutH() * p.OutW()
			nw := p.K * p.C / p.Groups * p.R * p.S
			name := fmt.Sprintf("%s/b%d", tc.name, batch)
			b.Run(name+"/fwd", func(b *testing.B) {
				x, w, bias, y, sc := newBuf(b, d, p.N*p.C*p.H*p.W), newBuf(b, d, nw), newBuf(b, d, p.K), newBuf(b, d, ny), newBuf(b, d, benchScratch/4)
				runBench(b, d, p.FLOPs(), func(s *gpu.Seq) { l.Conv2DForward(s, y, x, w, bias, p, true, sc) })
			})
			b.Run(name+"/fwd-cols", func(b *testing.B) {
				x, w, bias, y, sc := newBuf(b, d, p.N*p.C*p.H*p.W), newBuf(b, d, nw), newBuf(b, d, p.K), newBuf(b, d, ny), newBuf(b, d, benchScratch/4)
				runBench(b, d, p.FLOPs(), func(s *gpu.Seq) { l.Conv2DForwardCols(s, y, x, w, bias, p, true, sc) })
			})
			b.Run(name+"/bwd-data", func(b *testing.B) {
				dx, w, dy, sc := newBuf(b, d, p.N*p.C*p.H*p.W), newBuf(b, d, nw), newBuf(b, d, ny), newBuf(b, d, benchScratch/4)
				runBench(b, d, p.FLOPs(), func(s *gpu.Seq) { l.Conv2DBackwardData(s, dx, dy, w, p, sc) })
			})
			b.Run(name+"/bwd-filter", func(b *testing.B) {
				x, dw, db, dy, sc := newBuf(b, d, p.N*p.C*p.H*p.W), newBuf(b, d, nw), newBuf(b, d, p.K), newBuf(b, d, ny), newBuf(b, d, benchScratch/4)
				runBench(b, d, p.FLOPs(), func(s *gpu.Seq) { l.Conv2DBackwardFilter(s, dw, db, dy, x, p, sc) })
			})
			if !WinogradOK(p) {
				continue
			}
			// The Winograd passes (wino-*: F(2×2,R×R), wino4-*: F(4×4,3×3)), at the direct
			// convolution's FLOPs (their own are 2.25× fewer for F(2×2,3×3), 25/9 = 2.78× for
			// F(2×2,5×5), 4× for F(4×4,3×3)).
			for _, m := range WinogradTiles(p) {
				wn := name + "/wino"
				if m == 4 {
					wn += "4"
				}
				b.Run(wn+"-fwd", func(b *testing.B) {
					x, w, bias, y, sc := newBuf(b, d, p.N*p.C*p.H*p.W), newBuf(b, d, nw), newBuf(b, d, p.K), newBuf(b, d, ny), newBuf(b, d, benchScratch/4)
					runBench(b, d, p.FLOPs(), func(s *gpu.Seq) { l.Conv2DForwardWinograd(s, y, x, w, bias, p, true, m, sc) })
				})
				b.Run(wn+"-bwd-data", func(b *testing.B) {
					dx, w, dy, sc := newBuf(b, d, p.N*p.C*p.H*p.W), newBuf(b, d, nw), newBuf(b, d, ny), newBuf(b, d, benchScratch/4)
					runBench(b, d, p.FLOPs(), func(s *gpu.Seq) { l.Conv2DBackwardDataWinograd(s, dx, dy, w, p, m, sc) })
				})
				b.Run(wn+"-bwd-filter", func(b *testing.B) {
					x, dw, db, dy, sc := newBuf(b, d, p.N*p.C*p.H*p.W), newBuf(b, d, nw), newBuf(b, d, p.K), newBuf(b, d, ny), newBuf(b, d, benchScratch/4)
					runBench(b, d, p.FLOPs(), func(s *gpu.Seq) { l.Conv2DBackwardFilterWinograd(s, dw, db, dy, x, p, m, sc) })
				})
			}
		}
	}
}

// BenchmarkLinear times AlexNet's fully connected layers at batch 32 and 128.
func BenchmarkLinear(b *testing.B) {
	d, l := setup(b)
	for _, batch := range []int{32, 128} {
		for _, p := range []layers.Linear{{In: 9216, Out: 4096}, {In: 4096, Out: 4096}, {In: 4096, Out: 1000}} {
			p.N = batch
			name := fmt.Sprintf("%dx%d/b%d", p.In, p.Out, batch)
			x, w, bias, y := newBuf(b, d, p.N*p.In), newBuf(b, d, p.In*p.Out), newBuf(b, d, p.Out), newBuf(b, d, p.N*p.Out)
			b.Run(name+"/fwd", func(b *testing.B) {
				runBench(b, d, p.FLOPs(), func(s *gpu.Seq) { l.LinearForward(s, y, x, w, bias, p, true) })
			})
			b.Run(name+"/bwd-data", func(b *testing.B) {
				runBench(b, d, p.FLOPs(), func(s *gpu.Seq) { l.LinearBackwardData(s, x, y, w, p) })
			})
			b.Run(name+"/bwd-weight", func(b *testing.B) {
				runBench(b, d, p.FLOPs(), func(s *gpu.Seq) { l.LinearBackwardWeight(s, w, bias, y, x, p) })
			})
		}
	}
}

// BenchmarkBiasGrad times bias_grad over the output gradients of alexnet-tv's conv layers and
// fc6 at batch 128 (it reads each dy once: 4 bytes per element).
func BenchmarkBiasGrad(b *testing.B) {
	for _, c := range []struct {
		name string
		k, p int
	}{{"alexnet-tv/conv1", 64, 55 * 55}, {"alexnet-tv/conv2", 192, 27 * 27}, {"alexnet-tv/conv3", 384, 13 * 13}, {"fc6", 4096, 1}} {
		b.Run(c.name+"/batch128", func(b *testing.B) {
			d, l := setup(b)
			const n = 128
			dy, db := newBuf(b, d, n*c.k*c.p), newBuf(b, d, c.k)
			runBench(b, d, int64(n*c.k*c.p), func(s *gpu.Seq) { l.biasGrad(s, db, dy, c.k, n, c.p, c.k*c.p, c.p) })
		})
	}
}
