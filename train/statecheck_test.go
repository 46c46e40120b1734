package train

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alexnet-vk/alexnet/weights"
)

// A checkpoint's recorded state is checked like the flags that made it: each hostile record below
// is refused by LoadCheckpoint (which classify and --resume use) with an error naming what is
// wrong, where these records used to divide by zero or panic while building the net.
func TestCheckpointStateValidated(t *testing.T) {
	layer := func(name string) func(st *State) *Layer {
		return func(st *State) *Layer {
			for i := range st.Layers {
				if st.Layers[i].Name == name {
					return &st.Layers[i]
				}
			}
			t.Fatalf("no layer %s", name)
			return nil
		}
	}
	conv2, norm1, pool1, fc6, drop6 := layer("conv2"), layer("norm1"), layer("pool1"), layer("fc6"), layer("drop6")
	cases := []struct {
		name string
		mod  func(st *State)
		want string
	}{
		{"stride 0", func(st *State) { conv2(st).Stride = 0 }, "stride 0"},
		{"groups 0", func(st *State) { conv2(st).Groups = 0 }, "groups 0"},
		{"groups 3", func(st *State) { conv2(st).Groups = 3 }, "do not split into 3 groups"},
		{"kernel 0", func(st *State) { conv2(st).Kernel = 0 }, "kernel 0"},
		{"negative padding", func(st *State) { conv2(st).Pad = -1 }, "padding -1"},
		{"LRN size 0", func(st *State) { norm1(st).LRN.Size = 0 }, "size 0"},
		{"LRN k 0", func(st *State) { norm1(st).LRN.K = 0 }, "need k > 0"},
		{"LRN beta -1", func(st *State) { norm1(st).LRN.Beta = -1 }, "beta >= 0"},
		{"pool size 0", func(st *State) { pool1(st).Size = 0 }, "window 0"},
		{"pool stride 0", func(st *State) { pool1(st).Stride = 0 }, "stride 0"},
		{"fc6 width 0", func(st *State) { fc6(st).Out = 0 }, "output features 0"},
		{"fc6 width 2^30", func(st *State) { fc6(st).Out = 1 << 30 }, "output features"},
		{"dropout 1.5", func(st *State) { drop6(st).P = 1.5 }, "p 1.5"},
		{"unknown kind", func(st *State) { pool1(st).Kind = "batchnorm" }, `unknown kind "batchnorm"`},
		{"duplicate names", func(st *State) { fc6(st).WName = "conv1.weight" }, "used twice"},
		{"inconsistent name", func(st *State) { st.Arch = "alexnet-tv" }, "alexnet-tv"},
		{"paper arch at 28 px", func(st *State) { st.Arch = "alexnet" }, "227"},
		{"unknown arch", func(st *State) { st.Arch = "lenet" }, `"lenet"`},
		{"lr 0", func(st *State) { st.LR = 0 }, "learning rate 0"},
		{"lr -1", func(st *State) { st.LR = -1 }, "learning rate -1"},
		{"classes 0", func(st *State) { st.Classes = 0 }, "0 classes"},
		{"channels 2", func(st *State) { st.Channels = 2 }, "2 input channels"},
		{"negative epoch", func(st *State) { st.Epoch = -3 }, "epoch -3"},
		{"negative variance", func(st *State) {
			st.Norm = &InputNorm{Mode: "channel", ChannelMean: []float64{30}, ChannelVar: []float64{-4}}
		}, "variance -4"},
		{"zero variance", func(st *State) {
			st.Norm = &InputNorm{Mode: "channel", ChannelMean: []float64{30}, ChannelVar: []float64{0}}
		}, "positive variance"},
		{"variances for 3 channels", func(st *State) {
			st.Norm = &InputNorm{Mode: "channel", ChannelMean: []float64{1, 2, 3}, ChannelVar: []float64{1, 2, 3}}
		}, "for 1 channels"},
		{"unknown norm", func(st *State) { st.Norm = &InputNorm{Mode: "zscore"} }, "zscore"},
		{"recorded dropout NaN", func(st *State) { st.Config = map[string]string{"dropout": "NaN"} }, "--dropout"},
		{"recorded micro-batch -1", func(st *State) { st.Config = map[string]string{"micro-batch": "-1"} }, "--micro-batch"},
		{"window top-1 above n", func(st *State) { st.Window = &WindowSums{Loss: 1, Top1: 9, N: 4} }, "training window"},
	}
	dir := t.TempDir()
	for i, tc := range cases {
		st := validState("r", 5)
		st.Layers = Small(10, 1, 28).Layers
		tc.mod(&st)
		path := filepath.Join(dir, tc.name+".safetensors")
		writeStateFile(t, path, st)
		_, err := LoadCheckpoint(path)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%d %s: err = %v, want one naming the file and %q", i, tc.name, err, tc.want)
		}
	}
	// The valid record loads, and so does one with a different fc6 width (the net as trained).
	st := validState("r", 5)
	st.Layers = Small(10, 1, 28).Layers
	fc6(&st).Out = 96
	path := filepath.Join(dir, "ok.safetensors")
	writeStateFile(t, path, st)
	if _, err := LoadCheckpoint(path); err != nil {
		t.Fatal(err)
	}
	// NaN cannot be spelled in JSON: a record holding it is unreadable, and says so.
	js, _ := json.Marshal(validState("r", 5))
	bad := strings.Replace(string(js), `"lr":0.01`, `"lr":NaN`, 1)
	weights.WriteSafetensors(path, []weights.Tensor{{Name: "a", Shape: []int{1}, Data: []float32{1}}}, map[string]string{"state": bad})
	if _, err := LoadCheckpoint(path); err == nil || !strings.Contains(err.Error(), "unreadable training state") {
		t.Errorf("lr NaN: %v", err)
	}
}
