package train

import (
	"math"
	"testing"

	"github.com/alexnet-vk/alexnet/data"
	"github.com/alexnet-vk/alexnet/gpu"
)

// The paper network and torchvision's run one full training step at batch 2 on the device: shapes
// and memory hold, including fc6's 144 MiB weight matrix (over lavapipe's 128 MiB storage-buffer
// range), and the step changes the weights.
func TestFullNetworksOneStep(t *testing.T) {
	d, l := setup(t)
	for _, name := range []string{"alexnet", "alexnet-tv"} {
		t.Run(name, func(t *testing.T) {
			a, err := Get(name, 1000, 3, 0)
			if err != nil {
				t.Fatal(err)
			}
			n, err := NewNet(d, l, a, NetConfig{Batch: 2, Seed: 1, Dropout: -1})
			if err != nil {
				t.Fatal(err)
			}
			defer n.Free()
			for _, p := range n.Params {
				if p.Name == "fc6.weight" || p.Name == "classifier.1.weight" {
					if bytes := int64(p.Size()) * 4; bytes <= 128<<20 {
						t.Fatalf("%s is %s, expected over 128 MiB", p.Name, gpu.Bytes(bytes))
					}
				}
			}
			x, labels := batchData(a, 2, 5)
			w0, _, _ := n.Weights()
			st, err := n.TrainStep(x, labels)
			if err != nil {
				t.Fatal(err)
			}
			loss := st.Loss / 2
			// Random 1000-way logits start near log(1000) ≈ 6.9 (the paper's biases of 1 push it up).
			if math.IsNaN(loss) || loss < 4 || loss > 12 {
				t.Fatalf("first loss %.4f, want near log(1000)", loss)
			}
			w1, _, _ := n.Weights()
			last := len(w0) - 2 // the classifier's weight
			changed := 0
			for j := range w0[last] {
				if w0[last][j] != w1[last][j] {
					changed++
				}
			}
			if changed == 0 {
				t.Fatal("one SGD step left the classifier unchanged")
			}
			t.Logf("%s: loss %.4f, device memory %s, micro-batch %d", name, loss, gpu.Bytes(d.Allocated()), n.Micro)
		})
	}
}

// alexnet-small drives the loss of 64 fixed Fashion-MNIST images near zero: every gradient reaches
// every parameter.
func TestOverfit64(t *testing.T) {
	d, l := setup(t)
	ds, err := data.Open("", data.OpenOptions{})
	if err != nil {
		t.Fatalf("Fashion-MNIST (installed by make setup): %v", err)
	}
	defer ds.Close()
	a, _ := Get("alexnet-small", 10, 1, 28)
	n, err := NewNet(d, l, a, NetConfig{Batch: 64, Seed: 2, Dropout: 0})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Free()
	n.SetHyper(0.005, 0.9, 0) // memorising one batch: larger steps overshoot and kill ReLUs
	ld, err := data.NewLoader(ds.Train, data.LoaderConfig{BatchSize: 64, Norm: data.NormChannel, Seed: 1, Epochs: 1, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := ld.Next()
	if err != nil {
		t.Fatal(err)
	}
	x, labels := append([]float32(nil), b.X...), append([]int32(nil), b.Labels...)
	ld.Close()
	var first, loss float64
	steps := 0
	for step := 0; step < 150; step++ {
		steps++
		st, err := n.TrainStep(x, labels)
		if err != nil {
			t.Fatal(err)
		}
		loss = st.Loss / 64
		if step == 0 {
			first = loss
		}
		if loss < 0.02 {
			break
		}
	}
	t.Logf("loss %.4f -> %.4f after %d steps", first, loss, steps)
	if !(loss <= 0.05) { // NaN fails too
		t.Fatalf("after training on 64 fixed images the loss is still %.4f (from %.4f)", loss, first)
	}
}
