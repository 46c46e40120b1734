package train

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/alexnet-vk/alexnet/weights"
)

// tinyTV is the fixtures' TinyTV (weights/testdata/README.md) at a size×size input.
func tinyTV(size int) Arch {
	return TorchVisionWidths(TVWidths{Conv: [5]int{4, 6, 8, 8, 6}, FC: [2]int{16, 16}}, 10, 3, size)
}

func fixture(name string) string { return filepath.Join("..", "weights", "testdata", name) }

// tvInput is the fixtures' input formula for n = 0, 1 at size S:
// input[n,c,h,w] = (((n·131 + c·71 + h·(37+12n) + w·(17+29n)) mod 97) − 48) / 64.
func tvInput(s int) []float32 {
	x := make([]float32, 0, 2*3*s*s)
	for n := 0; n < 2; n++ {
		for c := 0; c < 3; c++ {
			for h := 0; h < s; h++ {
				for w := 0; w < s; w++ {
					x = append(x, float32((n*131+c*71+h*(37+12*n)+w*(17+29*n))%97-48)/64)
				}
			}
		}
	}
	return x
}

// TorchVisionWidths with torchvision's widths is TorchVision, and TinyTV has the fixture's shapes.
func TestTorchVisionWidths(t *testing.T) {
	if got, want := TorchVisionWidths(TVStandard, 1000, 3, 0), TorchVision(1000, 3, 0); !reflect.DeepEqual(got, want) {
		t.Errorf("TorchVisionWidths(TVStandard) differs from TorchVision:\n%s\n%s", got.Summary(), want.Summary())
	}
	ts, err := weights.ReadPth(fixture("tv_small.pth"))
	if err != nil {
		t.Fatal(err)
	}
	if err := weights.Match(ts, paramShapes(tinyTV(64))); err != nil {
		t.Error(err)
	}
}

func paramShapes(a Arch) map[string][]int {
	m := map[string][]int{}
	for _, p := range a.Params() {
		m[p.Name] = p.Shape
	}
	return m
}

// TinyTV's weights, read from PyTorch's .pth and from the safetensors copy, give PyTorch's logits
// on the GPU at 64 px (adaptive pool replicating 1×1) and 256 px (overlapping 7→6 bins).
// Tolerance: 1e-4 relative to each logit (the bound; float32 in another summation order
// differs by at most 5e-5 relative here, on the smallest logits), plus 1e-6 absolute.
func TestTinyTVMatchesPyTorch(t *testing.T) {
	d, l := setup(t)
	ref, meta, err := weights.ReadSafetensors(fixture("tv_small_logits.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]float32{}
	for _, r := range ref {
		want[r.Name] = r.Data
	}
	for _, file := range []string{"tv_small.pth", "tv_small_pyref.safetensors"} {
		ck, err := LoadCheckpoint(fixture(file))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []int{64, 256} {
			t.Run(fmt.Sprintf("%s/%d", file, s), func(t *testing.T) {
				x := tvInput(s)
				sum := 0.0
				for _, v := range x {
					sum += float64(v)
				}
				if ws, _ := strconv.ParseFloat(meta[fmt.Sprintf("input_%d_sum", s)], 64); sum != ws {
					t.Fatalf("input sum %v, PyTorch's %v: the formula differs", sum, ws)
				}
				n, err := NewNet(d, l, tinyTV(s), NetConfig{Batch: 2, Seed: 1, Dropout: -1})
				if err != nil {
					t.Fatal(err)
				}
				defer n.Free()
				if err := ck.Apply(n, false); err != nil {
					t.Fatal(err)
				}
				got, err := n.Logits(x, 2)
				if err != nil {
					t.Fatal(err)
				}
				compareLogits(t, got, want[fmt.Sprintf("logits_%d", s)], 10)
			})
		}
	}
}

func compareLogits(t *testing.T, got, want []float32, classes int) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d logits, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := float64(got[i]), float64(want[i])
		if math.IsNaN(g) || math.Abs(g-w) > 1e-6+1e-4*math.Abs(w) {
			t.Fatalf("logit [%d, %d] = %.7g, PyTorch %.7g", i/classes, i%classes, g, w)
		}
	}
}

// A .pth without classifier.4.bias, and the pickles that call os.system, fail through LoadCheckpoint
// and Apply with errors that name the tensor or the global; nothing runs.
func TestTorchVisionImportErrors(t *testing.T) {
	d, l := setup(t)
	n, err := NewNet(d, l, tinyTV(64), NetConfig{Batch: 1, Seed: 1, Dropout: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Free()
	ck, err := LoadCheckpoint(fixture("tv_small_missing.pth"))
	if err != nil {
		t.Fatal(err)
	}
	err = ck.Apply(n, false)
	if err == nil || !strings.Contains(err.Error(), `"classifier.4.bias": missing`) || !strings.Contains(err.Error(), "tv_small_missing.pth") {
		t.Errorf("Apply(tv_small_missing.pth) = %v, want an error naming the file and the missing classifier.4.bias", err)
	}
	for _, file := range []string{"malicious_global.pth", "malicious_stack_global.pth"} {
		_, err := LoadCheckpoint(fixture(file))
		var ue *weights.UnsafePickleError
		if !errors.As(err, &ue) || ue.Module != "os" || ue.Name != "system" || !strings.Contains(err.Error(), file) {
			t.Errorf("LoadCheckpoint(%s) = %v, want an UnsafePickleError naming os.system and the file", file, err)
		}
		for _, dir := range []string{".", fixture(""), os.TempDir()} {
			if _, err := os.Stat(filepath.Join(dir, "weights_pwned_canary")); err == nil {
				t.Errorf("weights_pwned_canary exists in %s: the pickle ran", dir)
			}
		}
	}
	// Wider weights than the arch: the error names the tensor and both shapes.
	wide, err := NewNet(d, l, TorchVisionWidths(TVWidths{Conv: [5]int{5, 6, 8, 8, 6}, FC: [2]int{16, 16}}, 10, 3, 64), NetConfig{Batch: 1, Seed: 1, Dropout: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer wide.Free()
	ck, err = LoadCheckpoint(fixture("tv_small.pth"))
	if err != nil {
		t.Fatal(err)
	}
	err = ck.Apply(wide, false)
	if err == nil || !strings.Contains(err.Error(), `"features.0.weight": shape [4 3 11 11], model expects [5 3 11 11]`) {
		t.Errorf("Apply into conv1 width 5 = %v, want the shape mismatch of features.0.weight", err)
	}
}

// torchvisionAlexNet lists torchvision's alexnet() state_dict: names and shapes, in its order.
var torchvisionAlexNet = []struct {
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

// SaveCheckpoint of alexnet-tv stores torchvision's 16 parameters (plus "momentum."-prefixed
// copies), and ExportWeights exactly those 16 with the net's values, so PyTorch's strict
// load_state_dict accepts the exported file.
func TestAlexNetTVFilesHaveTorchVisionNames(t *testing.T) {
	d, l := setup(t)
	n, err := NewNet(d, l, TorchVision(1000, 3, 0), NetConfig{Batch: 1, Seed: 7, Dropout: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Free()
	dir := t.TempDir()
	ckPath, exPath := filepath.Join(dir, "ck.safetensors"), filepath.Join(dir, "alexnet-tv.safetensors")
	if err := SaveCheckpoint(ckPath, n, State{Arch: "alexnet-tv", Classes: 1000, Channels: 3, InputSize: 224, LR: 0.01}); err != nil {
		t.Fatal(err)
	}
	if err := ExportWeights(exPath, n); err != nil {
		t.Fatal(err)
	}
	w, _, err := n.Weights()
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{ckPath, exPath} {
		ts, meta, err := weights.ReadSafetensors(path)
		if err != nil {
			t.Fatal(err)
		}
		var params []weights.Tensor
		for _, x := range ts {
			if !strings.HasPrefix(x.Name, momentumPrefix) {
				params = append(params, x)
			} else if path == exPath {
				t.Errorf("%s holds %s: exported weights must hold parameters only", path, x.Name)
			}
		}
		if len(params) != len(torchvisionAlexNet) {
			t.Errorf("%s: %d parameter tensors, torchvision has %d", path, len(params), len(torchvisionAlexNet))
		}
		total := 0
		for i, p := range params {
			if i >= len(torchvisionAlexNet) {
				break
			}
			tv := torchvisionAlexNet[i]
			if p.Name != tv.name || !slices.Equal(p.Shape, tv.shape) {
				t.Errorf("%s tensor %d: %s %v, torchvision's is %s %v", path, i, p.Name, p.Shape, tv.name, tv.shape)
			}
			if !slices.Equal(p.Data, w[i]) {
				t.Errorf("%s: %s holds other values than the net", path, p.Name)
			}
			total += p.Numel()
		}
		if total != 61100840 {
			t.Errorf("%s: %d parameters, torchvision's AlexNet has 61,100,840", path, total)
		}
		if path == exPath && meta["format"] != "pt" {
			t.Errorf("%s: metadata format %q, want pt (as safetensors.torch.save_file writes)", path, meta["format"])
		}
	}
}

// Weights imported from the .pth, exported to safetensors and loaded into a fresh net come back
// bit-identical, metadata and all.
func TestExportWeightsRoundTrip(t *testing.T) {
	d, l := setup(t)
	a := tinyTV(64)
	ck, err := LoadCheckpoint(fixture("tv_small.pth"))
	if err != nil {
		t.Fatal(err)
	}
	var nets [2]*Net
	for i := range nets {
		if nets[i], err = NewNet(d, l, a, NetConfig{Batch: 1, Seed: uint64(i + 1), Dropout: -1}); err != nil {
			t.Fatal(err)
		}
		defer nets[i].Free()
	}
	if err := ck.Apply(nets[0], false); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "tiny.safetensors")
	if err := ExportWeights(path, nets[0]); err != nil {
		t.Fatal(err)
	}
	back, err := LoadCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	if back.State != nil {
		t.Errorf("exported weights carry a training state: %+v", back.State)
	}
	if err := back.Apply(nets[1], false); err != nil {
		t.Fatal(err)
	}
	w0, _, err := nets[0].Weights()
	if err != nil {
		t.Fatal(err)
	}
	w1, _, err := nets[1].Weights()
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range nets[0].Params {
		if !slices.Equal(w0[i], w1[i]) || !slices.Equal(w0[i], ck.Tensors[i].Data) {
			t.Errorf("%s differs after the round trip", p.Name)
		}
	}
	_, meta, err := weights.ReadSafetensors(path)
	if err != nil {
		t.Fatal(err)
	}
	if meta["format"] != "pt" || meta["arch"] != a.Name || meta["classes"] != "10" {
		t.Errorf("metadata %v, want format=pt, arch=%s, classes=10", meta, a.Name)
	}
}
