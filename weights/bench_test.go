package weights

import (
	"path/filepath"
	"testing"
)

// alexnetTV returns zero tensors with torchvision AlexNet's names and shapes (61,100,840 floats).
func alexnetTV() []Tensor {
	shapes := []struct {
		name  string
		shape []int
	}{
		{"features.0.weight", []int{64, 3, 11, 11}}, {"features.0.bias", []int{64}},
		{"features.3.weight", []int{192, 64, 5, 5}}, {"features.3.bias", []int{192}},
		{"features.6.weight", []int{384, 192, 3, 3}}, {"features.6.bias", []int{384}},
		{"features.8.weight", []int{256, 384, 3, 3}}, {"features.8.bias", []int{256}},
		{"features.10.weight", []int{256, 256, 3, 3}}, {"features.10.bias", []int{256}},
		{"classifier.1.weight", []int{4096, 9216}}, {"classifier.1.bias", []int{4096}},
		{"classifier.4.weight", []int{4096, 4096}}, {"classifier.4.bias", []int{4096}},
		{"classifier.6.weight", []int{1000, 4096}}, {"classifier.6.bias", []int{1000}},
	}
	ts := make([]Tensor, len(shapes))
	for i, s := range shapes {
		ts[i] = Tensor{Name: s.name, Shape: s.shape}
		ts[i].Data = make([]float32, ts[i].Numel())
	}
	return ts
}

// BenchmarkSafetensorsAlexNet writes (with fsync) and reads torchvision AlexNet's 244 MB of weights.
func BenchmarkSafetensorsAlexNet(b *testing.B) {
	ts := alexnetTV()
	path := filepath.Join(b.TempDir(), "alexnet.safetensors")
	bytes := float64(61100840 * 4)
	b.Run("write", func(b *testing.B) {
		for b.Loop() {
			if err := WriteSafetensors(path, ts, nil); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(bytes*float64(b.N)/b.Elapsed().Seconds()/1e6, "MB/s")
	})
	b.Run("read", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := ReadSafetensors(path); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(bytes*float64(b.N)/b.Elapsed().Seconds()/1e6, "MB/s")
	})
}
