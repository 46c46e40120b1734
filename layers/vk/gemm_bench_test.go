package vk

import (
	"testing"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers/layerstest"
)

// benchGemm records one product and reports GFLOP/s over b.N runs of the recorded sequence.
func benchGemm(b *testing.B, g Gemm) {
	d, l := setup(b)
	na, nb, nc, _ := g.span()
	ta, tb, tc := in(b, d, layerstest.Rand(na, 1)), in(b, d, layerstest.Rand(nb, 2)), out(b, d, nc)
	s, err := d.NewSeq("bench", 0)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Free()
	l.Gemm(s, tc.Arg(), ta.Arg(), tb.Arg(), nil, g)
	if err := s.End(); err != nil {
		b.Fatal(err)
	}
	s.Run() // warm-up: JIT and caches
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := s.Run(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(g.Flops())*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func BenchmarkGemm1024(b *testing.B) { benchGemm(b, plainGemm(1024, 1024, 1024, 1)) }

// BenchmarkGemm4096 is the GPU target (fp32 M = N = K = 4096, row-major, ≥ 25 TFLOP/s on an
// H100/H200) under the variant this device chooses (or $ALEXNET_KERNELS forces), named in the
// sub-benchmark: `go test -run '^$' -bench Gemm4096 -benchtime 20x ./layers/vk`. On a CPU device
// one run takes seconds.
func BenchmarkGemm4096(b *testing.B) {
	_, l := setup(b)
	b.Run(l.Choice.Of(ProductGemm).Name, func(b *testing.B) { benchGemm(b, plainGemm(4096, 4096, 4096, 1)) })
}

var _ = gpu.Read
