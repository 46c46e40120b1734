package train

import (
	"strings"
	"testing"

	"github.com/alexnet-vk/alexnet/layers"
	"github.com/alexnet-vk/alexnet/layers/vk"
)

// --conv-algo auto times direct, F(2×2,3×3) and F(4×4,3×3) for each pass of every 3×3 stride-1
// layer and runs the fastest (a forward-only net times the forward alone); a recorded choice is used as it is, untimed; direct, winograd and
// winograd4 are forced (winograd4 runs F(2×2,5×5) on a 5×5 layer).
func TestConvAlgoChoice(t *testing.T) {
	d, l := setup(t)
	a := tiny()
	n, err := NewNet(d, l, a, NetConfig{Batch: 4, Seed: 3, Dropout: -1, ConvAlgo: "auto"})
	if err != nil {
		t.Fatal(err)
	}
	times, algos := n.ConvTimes(), n.ConvAlgos()
	n.Free()
	for _, name := range []string{"conv1", "conv2"} {
		tm, ok := times[name]
		for _, s := range [][3]float64{tm.Fwd, tm.Data, tm.Filter} {
			if !ok || s[0] <= 0 || s[1] <= 0 || s[2] <= 0 {
				t.Fatalf("%s: timings %+v", name, tm)
			}
		}
		if algos[name] != tm.Faster() {
			t.Errorf("%s runs %v, the timings say %v", name, algos[name], tm.Faster())
		}
		if tm.Images != 4 || tm.Rounds < convTimingReps || tm.Rounds > 10 {
			t.Errorf("%s timed at %d images in %d rounds, want the micro-batch's 4 in %d to 10", name, tm.Images, tm.Rounds, convTimingReps)
		}
	}
	// Forward-only (classify): the backward passes are neither timed nor anything but direct.
	n, err = NewNet(d, l, a, NetConfig{Batch: 4, Seed: 3, Dropout: -1, ConvAlgo: "auto", ForwardOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	times, algos = n.ConvTimes(), n.ConvAlgos()
	report := n.ConvAlgoReport()
	n.Free()
	for _, name := range []string{"conv1", "conv2"} {
		tm := times[name]
		if tm.Fwd[0] <= 0 || tm.Fwd[1] <= 0 || tm.Fwd[2] <= 0 || tm.Data != [3]float64{} || tm.Filter != [3]float64{} {
			t.Fatalf("forward-only %s: timings %+v", name, tm)
		}
		if a := algos[name]; a.Fwd != tm.Faster().Fwd || a.Data != vk.AlgoDirect || a.Filter != vk.AlgoDirect {
			t.Errorf("forward-only %s runs %v, the timings %+v", name, a, tm)
		}
	}
	if len(report) != 2 || !strings.Contains(report[0], "data -/-/-") {
		t.Errorf("forward-only start-up report %q: want each layer's untimed passes as -", report)
	}
	mixed := vk.ConvAlgos{Fwd: vk.AlgoWinograd4, Data: vk.AlgoDirect, Filter: vk.AlgoWinograd}
	n, err = NewNet(d, l, a, NetConfig{Batch: 4, Seed: 3, Dropout: -1, ConvAlgo: "auto", ConvAlgos: map[string]vk.ConvAlgos{"conv1": mixed}})
	if err != nil {
		t.Fatal(err)
	}
	if _, timed := n.ConvTimes()["conv1"]; timed || n.ConvAlgos()["conv1"] != mixed {
		t.Errorf("a recorded choice was timed again or not kept: %v", n.ConvAlgos())
	}
	n.Free()
	// Forced, the mode wins over a recorded choice.
	n, err = NewNet(d, l, a, NetConfig{Batch: 4, Seed: 3, Dropout: -1, ConvAlgo: "direct", ConvAlgos: map[string]vk.ConvAlgos{"conv1": mixed}})
	if err != nil {
		t.Fatal(err)
	}
	if got := n.ConvAlgos()["conv1"]; got != vk.AllConv(vk.AlgoDirect) || len(n.ConvTimes()) != 0 {
		t.Errorf("--conv-algo direct: conv1 runs %v", got)
	}
	n.Free()
	k5 := tiny()
	k5.Layers[4].Kernel, k5.Layers[4].Pad = 5, 2
	n, err = NewNet(d, l, k5, NetConfig{Batch: 4, Seed: 3, Dropout: -1, ConvAlgo: "winograd4"})
	if err != nil {
		t.Fatal(err)
	}
	if got := n.ConvAlgos(); got["conv1"] != vk.AllConv(vk.AlgoWinograd4) || got["conv2"] != vk.AllConv(vk.AlgoWinograd) {
		t.Errorf("--conv-algo winograd4: the layers run %v", got)
	}
	n.Free()
	// A recorded F(4×4,3×3) for a 5×5 layer is refused.
	bad := map[string]vk.ConvAlgos{"conv2": vk.AllConv(vk.AlgoWinograd4)}
	if _, err := NewNet(d, l, k5, NetConfig{Batch: 4, Dropout: -1, ConvAlgo: "auto", ConvAlgos: bad}); err == nil {
		t.Error("a recorded winograd4 for a 5×5 layer accepted")
	}
	if _, err := NewNet(d, l, a, NetConfig{Batch: 4, Dropout: -1, ConvAlgo: "fast"}); err == nil {
		t.Error("--conv-algo fast accepted")
	}
}

// The images auto times a layer at: 16, or enough for 2048 output positions on small maps (all 32
// of alexnet-small's 6×6 layers at batch 32, where 16 images would time half the columns they
// train on), never past the micro-batch.
func TestConvTimingImages(t *testing.T) {
	for _, c := range []struct {
		p    layers.Conv2D
		want int
	}{
		{layers.Conv2D{N: 32, C: 48, H: 6, W: 6, K: 64, R: 3, S: 3, Stride: 1, Pad: 1, Groups: 1}, 32},      // alexnet-small conv3
		{layers.Conv2D{N: 128, C: 48, H: 6, W: 6, K: 64, R: 3, S: 3, Stride: 1, Pad: 1, Groups: 1}, 57},     // ⌈2048/36⌉
		{layers.Conv2D{N: 32, C: 16, H: 13, W: 13, K: 48, R: 5, S: 5, Stride: 1, Pad: 2, Groups: 2}, 16},    // alexnet-small conv2: 13 < 16
		{layers.Conv2D{N: 128, C: 192, H: 13, W: 13, K: 384, R: 3, S: 3, Stride: 1, Pad: 1, Groups: 1}, 16}, // alexnet-tv conv3
		{layers.Conv2D{N: 4, C: 48, H: 6, W: 6, K: 64, R: 3, S: 3, Stride: 1, Pad: 1, Groups: 1}, 4},        // the micro-batch bounds it
		{layers.Conv2D{N: 64, C: 8, H: 1, W: 1, K: 8, R: 1, S: 1, Stride: 1, Groups: 1}, 64},                // 1×1 maps
	} {
		if got := convTimingImages(c.p); got != c.want {
			t.Errorf("%+v: timed at %d images, want %d", c.p, got, c.want)
		}
	}
}

// twoRanks is rank 1 of 2 whose MaxI32 combines with rank 0's vector, as MPI's would.
type twoRanks struct{ root []int32 }

func (c twoRanks) Rank() int                { return 1 }
func (c twoRanks) Size() int                { return 2 }
func (c twoRanks) SumF32(v []float32) error { return nil }
func (c twoRanks) SumF64(v []float64) error { return nil }
func (c twoRanks) MaxI32(v []int32) error {
	for i := range v {
		v[i] = max(v[i], c.root[i])
	}
	return nil
}

// Every rank gets rank 0's conv algorithms through the integer maximum.
func TestAgreeConvAlgos(t *testing.T) {
	a := tiny()
	want := map[string]vk.ConvAlgos{
		"conv1": {Fwd: vk.AlgoWinograd, Data: vk.AlgoDirect, Filter: vk.AlgoWinograd},
		"conv2": {Fwd: vk.AlgoWinograd4, Data: vk.AlgoWinograd4, Filter: vk.AlgoDirect},
	}
	var sent []int32
	capture := captureRank{sent: &sent}
	if _, err := agreeConvAlgos(capture, a, want); err != nil {
		t.Fatal(err)
	}
	got, err := agreeConvAlgos(twoRanks{root: sent}, a, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["conv1"] != want["conv1"] || got["conv2"] != want["conv2"] {
		t.Fatalf("rank 1 got %v, rank 0 chose %v", got, want)
	}
}

// captureRank is rank 0, keeping what it sends.
type captureRank struct{ sent *[]int32 }

func (c captureRank) Rank() int                { return 0 }
func (c captureRank) Size() int                { return 2 }
func (c captureRank) SumF32(v []float32) error { return nil }
func (c captureRank) SumF64(v []float64) error { return nil }
func (c captureRank) MaxI32(v []int32) error   { *c.sent = append([]int32(nil), v...); return nil }
