package train

import (
	"fmt"
	"math"
	"sync"
	"testing"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/gpu/gputest"
	"github.com/alexnet-vk/alexnet/layers/layerstest"
	"github.com/alexnet-vk/alexnet/layers/vk"
)

func TestMain(m *testing.M) { gputest.Main(m) }

var (
	libOnce sync.Once
	lib     *vk.Lib
	libErr  error
)

func setup(t testing.TB) (*gpu.Device, *vk.Lib) {
	t.Helper()
	d := gputest.Device(t)
	libOnce.Do(func() {
		lib, libErr = vk.New(d)
		if libErr == nil {
			gputest.AtExit(lib.Free)
		}
	})
	if libErr != nil {
		t.Fatal(libErr)
	}
	return d, lib
}

// tiny is a 2-conv/1-fc network with every layer kind of the paper: grouped conv, ReLU, LRN,
// overlapping max-pool, dropout.
func tiny() Arch {
	return Arch{Name: "tiny", In: Shape{3, 13, 13}, Classes: 5, Layers: []Layer{
		{Kind: Conv, Name: "conv1", Out: 8, Kernel: 3, Stride: 1, Pad: 1, Groups: 1, WeightStd: 0, WName: "c1.w", BName: "c1.b", BiasInit: 0.1},
		relu("1"), lrn("1", LRNParams{Size: 5, Alpha: 0.01, Beta: 0.75, K: 2}), pool("1"),
		{Kind: Conv, Name: "conv2", Out: 8, Kernel: 3, Stride: 1, Pad: 1, Groups: 2, WeightStd: 0, WName: "c2.w", BName: "c2.b", BiasInit: 0.1},
		relu("2"), pool("2"),
		drop("3", 0.5),
		{Kind: Linear, Name: "fc", Out: 5, WeightStd: 0, WName: "fc.w", BName: "fc.b"},
	}}
}

func batchData(a Arch, n int, seed uint64) ([]float32, []int32) {
	x := layerstest.Rand(n*a.In.Size(), seed)
	labels := make([]int32, n)
	for i := range labels {
		labels[i] = int32((i*7 + int(seed)) % a.Classes)
	}
	return x, labels
}

// Ten SGD steps of the GPU network (4 samples in 2 micro-batches) give the CPU reference's losses:
// float32 on the device against float64, so they agree to about 1e-5 relative, growing slowly with
// the steps; 2e-4 relative leaves margin while any wrong gradient is off by far more.
func TestGPUMatchesCPU(t *testing.T) {
	// Conv columns kept from forward to backward (a budget given), recomputed or not needed (-1),
	// the default (kept only without an implicit backward filter); and both conv layers (3×3,
	// stride 1) by Winograd F(2×2,3×3) and F(4×4,3×3), which keep none; and with a 5×5 conv2
	// (pad 2, groups 2) by Winograd F(2×2,5×5).
	for _, c := range []struct {
		cm   int64
		algo string
		k5   bool
	}{{128 << 20, "direct", false}, {0, "direct", false}, {-1, "direct", false}, {0, "winograd", false}, {0, "winograd4", false}, {0, "winograd", true}} {
		name := fmt.Sprintf("columns-memory=%d/%s", c.cm, c.algo)
		a := tiny()
		if c.k5 {
			name += "/conv2-5x5"
			a.Layers[4].Kernel, a.Layers[4].Pad = 5, 2
		}
		t.Run(name, func(t *testing.T) { gpuMatchesCPU(t, a, c.cm, c.algo) })
	}
}

func gpuMatchesCPU(t *testing.T, a Arch, columnsMemory int64, algo string) {
	d, l := setup(t)
	n, err := NewNet(d, l, a, NetConfig{Batch: 4, MicroBatch: 2, Seed: 3, Dropout: -1, ColumnsMemory: columnsMemory, ConvAlgo: algo})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Free()
	kept := 0
	for _, c := range n.cols {
		if c != nil {
			kept++
		}
	}
	if want := vk.AllConv(vk.ConvAlgo(algo)); n.ConvAlgos()["conv1"] != want || n.ConvAlgos()["conv2"] != want {
		t.Fatalf("--conv-algo %s: the layers run %v", algo, n.ConvAlgos())
	}
	keeps := algo == "direct" && (columnsMemory > 0 || columnsMemory == 0 && !l.ImplicitBwdFilter())
	if keeps != (kept == 2) {
		t.Fatalf("ColumnsMemory %d: %d conv layers keep their columns", columnsMemory, kept)
	}
	const lr, mu, wd = 0.05, 0.9, 5e-4
	n.SetHyper(lr, mu, wd)
	c, err := NewCPUNet(n)
	if err != nil {
		t.Fatal(err)
	}
	for step := 0; step < 10; step++ {
		x, labels := batchData(a, 4, uint64(step))
		want := c.Step(x, labels, uint32(step), lr, mu, wd)
		st, err := n.TrainStep(x, labels)
		if err != nil {
			t.Fatal(err)
		}
		got := st.Loss / float64(st.N)
		t.Logf("step %d: GPU loss %.7f, CPU %.7f", step, got, want)
		if math.Abs(got-want) > 1e-5+2e-4*math.Abs(want) {
			t.Fatalf("step %d: GPU loss %.7f, CPU reference %.7f", step, got, want)
		}
	}
	// The parameters agree too.
	w, _, _ := n.Weights()
	for i, p := range n.Params {
		ref := make([]float32, len(c.W[i]))
		for j, v := range c.W[i] {
			ref[j] = float32(v)
		}
		if err := layerstest.Compare(w[i], ref, 1e-4, 1e-3, nil); err != nil {
			t.Errorf("%s after 10 steps: %v", p.Name, err)
		}
	}
}

// The loss of a full batch does not depend on how it is split into micro-batches.
func TestMicroBatchesEquivalent(t *testing.T) {
	d, l := setup(t)
	a := tiny()
	var losses [2][]float64
	for k, micro := range []int{6, 2} {
		n, err := NewNet(d, l, a, NetConfig{Batch: 6, MicroBatch: micro, Seed: 9, Dropout: -1})
		if err != nil {
			t.Fatal(err)
		}
		for step := 0; step < 4; step++ {
			x, labels := batchData(a, 6, uint64(step))
			st, err := n.TrainStep(x, labels)
			if err != nil {
				t.Fatal(err)
			}
			losses[k] = append(losses[k], st.Loss)
		}
		n.Free()
	}
	for i := range losses[0] {
		if math.Abs(losses[0][i]-losses[1][i]) > 1e-4*math.Abs(losses[0][i]) {
			t.Fatalf("step %d: loss %.7f whole, %.7f in micro-batches", i, losses[0][i], losses[1][i])
		}
	}
}

// The one-sample probe pass gives the same logits as the batch evaluation.
func TestProbeMatchesLogits(t *testing.T) {
	d, l := setup(t)
	a := tiny()
	n, err := NewNet(d, l, a, NetConfig{Batch: 4, Seed: 3, Dropout: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Free()
	x, _ := batchData(a, 4, 8)
	want, err := n.Logits(x, 4)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		acts, got, err := n.ProbeActivations(x[i*a.In.Size() : (i+1)*a.In.Size()])
		if err != nil {
			t.Fatal(err)
		}
		if len(acts) != 2 {
			t.Fatalf("%d conv activations, want 2", len(acts))
		}
		if err := layerstest.Compare(got, want[i*5:(i+1)*5], 1e-6, 1e-5, nil); err != nil {
			t.Fatalf("sample %d: %v", i, err)
		}
	}
}
