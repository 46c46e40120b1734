package data

import "testing"

// With CentreCrop (train's --no-augment) every training sample is its centre crop, unmirrored and
// without noise, in every epoch: exactly the evaluation crop, only the order is shuffled.
func TestLoaderCentreCropTraining(t *testing.T) {
	const h, w, crop = 9, 10, 5
	d := openIDXTest(t, 4, h, w)
	eval := collect(t, d.Train, LoaderConfig{BatchSize: 1, Crop: crop, Norm: NormNone, Epochs: 1, KeepLast: true}, 4)
	want := map[int][]float32{}
	for _, b := range eval {
		want[b.Index[0]] = append([]float32(nil), b.X...)
	}
	cfg := LoaderConfig{BatchSize: 2, Crop: crop, Train: true, CentreCrop: true, Norm: NormNone, Epochs: 5, Seed: 3}
	orders := map[[2]int]bool{}
	for _, b := range collect(t, d.Train, cfg, 10) {
		orders[[2]int{b.Index[0], b.Index[1]}] = true
		for n := 0; n < b.N; n++ {
			got := b.X[n*crop*crop : (n+1)*crop*crop]
			for i, v := range want[b.Index[n]] {
				if got[i] != v {
					t.Fatalf("epoch %d: training sample %d differs from its centre crop at %d: %g, want %g", b.Epoch, b.Index[n], i, got[i], v)
				}
			}
		}
	}
	if len(orders) < 2 {
		t.Fatal("CentreCrop also stopped the shuffling")
	}
	// Without it the crops move (the same seed draws other offsets).
	cfg.CentreCrop = false
	moved := false
	for _, b := range collect(t, d.Train, cfg, 10) {
		for n := 0; n < b.N && !moved; n++ {
			for i, v := range want[b.Index[n]] {
				moved = moved || b.X[n*crop*crop+i] != v
			}
		}
	}
	if !moved {
		t.Fatal("random crops never left the centre: the test cannot tell CentreCrop apart")
	}
}
