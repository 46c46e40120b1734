package vk

import (
	"fmt"
	"testing"

	"github.com/alexnet-vk/alexnet/layers"
	"github.com/alexnet-vk/alexnet/layers/layerstest"
)

// BenchmarkLinearForward times LinearForward in both forms (direct, and yᵀ = w·xᵀ on the Mid kernel)
// over AlexNet's and alexnet-small's fully connected layers at several batches: the measurements
// behind linearMinTransposed. `go test -run '^$' -bench LinearForward -benchtime 3x ./layers/vk`
func BenchmarkLinearForward(b *testing.B) {
	d, l := setup(b)
	for _, p := range []layers.Linear{
		{N: 1, In: 9216, Out: 4096}, {N: 16, In: 9216, Out: 4096}, {N: 128, In: 9216, Out: 4096},
		{N: 32, In: 4096, Out: 4096}, {N: 48, In: 4096, Out: 4096}, {N: 64, In: 4096, Out: 4096},
		{N: 96, In: 4096, Out: 4096}, {N: 130, In: 4096, Out: 4096}, {N: 256, In: 4096, Out: 4096},
		{N: 48, In: 4096, Out: 1000}, {N: 128, In: 4096, Out: 1000},
		{N: 32, In: 1024, Out: 512}, {N: 64, In: 1024, Out: 512}, {N: 128, In: 512, Out: 10},
	} {
		for _, form := range []struct {
			name string
			f    int
		}{{"direct", linearDirect}, {"transposed", linearTransposed}} {
			b.Run(fmt.Sprintf("%dx%dx%d/%s", p.N, p.In, p.Out, form.name), func(b *testing.B) {
				x, w, bias := in(b, d, layerstest.Rand(p.N*p.In, 1)), in(b, d, layerstest.Rand(p.Out*p.In, 2)), in(b, d, layerstest.Rand(p.Out, 3))
				y := out(b, d, p.N*p.Out)
				s, err := d.NewSeq("bench", 0)
				if err != nil {
					b.Fatal(err)
				}
				defer s.Free()
				l.linearForm = form.f
				l.LinearForward(s, y.Arg(), x.Arg(), w.Arg(), bias.Arg(), p, true)
				l.linearForm = 0
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
				b.ReportMetric(2*float64(p.N*p.In*p.Out)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
