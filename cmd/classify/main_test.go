package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/alexnet-vk/alexnet/gpu/gputest"
	"github.com/alexnet-vk/alexnet/layers/vk"
	"github.com/alexnet-vk/alexnet/train"
	"github.com/alexnet-vk/alexnet/weights"
)

func TestMain(m *testing.M) {
	if !childCase() {
		gputest.Main(m)
	}
}

var (
	libOnce sync.Once
	lib     *vk.Lib
	libErr  error
	ckOnce  sync.Once
	ckPath  string
	ckErr   error
)

var samples = filepath.Join("..", "..", "assets", "samples")

// names are the test checkpoint's classes: 7, so that --top 5 leaves some out.
var names = []string{"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta"}

// checkpoint returns a cmd/train-style checkpoint of alexnet-small (3 channels, 28 px, 7 named
// classes, random weights), written once per test run.
func checkpoint(t *testing.T) string {
	t.Helper()
	d := gputest.Device(t)
	libOnce.Do(func() {
		if lib, libErr = vk.New(d); libErr == nil {
			gputest.AtExit(lib.Free)
		}
	})
	if libErr != nil {
		t.Fatal(libErr)
	}
	ckOnce.Do(func() {
		a, err := train.Get("alexnet-small", len(names), 3, 28)
		if ckErr = err; err != nil {
			return
		}
		n, err := train.NewNet(d, lib, a, train.NetConfig{Batch: 1, Seed: 11, Dropout: -1})
		if ckErr = err; err != nil {
			return
		}
		defer n.Free()
		dir, err := os.MkdirTemp("", "classify-test")
		if ckErr = err; err != nil {
			return
		}
		gputest.AtExit(func() { os.RemoveAll(dir) })
		ckPath = filepath.Join(dir, "small.safetensors")
		ckErr = train.SaveCheckpoint(ckPath, n, train.State{Arch: a.Name, Classes: len(names), Channels: 3, InputSize: 28, LR: 0.01, ClassNames: names})
	})
	if ckErr != nil {
		t.Fatal(ckErr)
	}
	return ckPath
}

// classifyArgs runs the command on the shared validated test device and returns its exit status,
// stdout and stderr.
func classifyArgs(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	o, code := parseArgs(args, &errb)
	if code >= 0 {
		return code, out.String(), errb.String()
	}
	m, err := prepare(o, &errb)
	if err != nil {
		return 1, out.String(), errb.String() + err.Error()
	}
	code = classify(gputest.Device(t), lib, o, m, &out, &errb)
	return code, out.String(), errb.String()
}

// parseResults decodes --json output and checks each line: top-k distinct classes in range, labels
// from the checkpoint's names, probabilities in (0, 1], sorted, summing to at most 1.
func parseResults(t *testing.T, out string, k int) []Result {
	t.Helper()
	var rs []Result
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r Result
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("output line %q is not JSON: %v", line, err)
		}
		if len(r.Top) != k {
			t.Errorf("%s: %d classes, want %d", r.File, len(r.Top), k)
		}
		sum, seen := 0.0, map[int]bool{}
		for i, p := range r.Top {
			if p.Index < 0 || p.Index >= len(names) || seen[p.Index] || p.Label != names[p.Index] {
				t.Errorf("%s: entry %d is class %d %q (repeated, out of range or not the checkpoint's name)", r.File, i, p.Index, p.Label)
				continue
			}
			seen[p.Index] = true
			if !(p.Prob > 0 && p.Prob <= 1) || (i > 0 && p.Prob > r.Top[i-1].Prob) {
				t.Errorf("%s: probability %d is %v after %v: want (0, 1], largest first", r.File, i, p.Prob, r.Top[max(i-1, 0)].Prob)
			}
			sum += p.Prob
		}
		if sum > 1+1e-9 || (k == len(names) && math.Abs(sum-1) > 1e-6) {
			t.Errorf("%s: probabilities sum to %v (want ≤ 1, and 1 over all classes)", r.File, sum)
		}
		rs = append(rs, r)
	}
	return rs
}

// The sample images classify with the checkpoint's names; an unreadable file and a missing path
// are reported and skipped (status 1); batches of 4 give what one batch of 16 gives; ten crops
// over every class sum to 1.
func TestClassifySamples(t *testing.T) {
	ck := checkpoint(t)
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.jpg")
	if err := os.WriteFile(broken, []byte("not an image"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.png")
	want, err := filepath.Glob(filepath.Join(samples, "*"))
	if err != nil || len(want) < 5 {
		t.Fatalf("samples %v (%v): want the images in assets/samples", want, err)
	}
	// ball.jpg twice, the broken file between: skipping must not shift results between images.
	ball := filepath.Join(samples, "ball.jpg")
	code, out, errs := classifyArgs(t, "--weights", ck, "--json", ball, broken, samples, missing)
	if code != 1 || !strings.Contains(errs, broken) || !strings.Contains(errs, missing) || !strings.Contains(errs, "2 input(s) unreadable") {
		t.Errorf("status %d, stderr:\n%s\nwant status 1 naming %s and %s", code, errs, broken, missing)
	}
	rs := parseResults(t, out, 5)
	var files []string
	for _, r := range rs {
		files = append(files, r.File)
	}
	slices.Sort(want)
	if !slices.Equal(files, append([]string{ball}, want...)) {
		t.Fatalf("results for %v, want %s then the samples %v in order", files, ball, want)
	}
	if !reflect.DeepEqual(rs[0], rs[1]) {
		t.Errorf("ball.jpg before and after a skipped file: %+v and %+v", rs[0], rs[1])
	}
	rs = rs[1:]
	code, out4, errs := classifyArgs(t, "--weights", ck, "--json", "--batch", "4", samples)
	if code != 0 {
		t.Errorf("status %d with only readable images; stderr:\n%s", code, errs)
	}
	for i, r := range parseResults(t, out4, 5) {
		for j, p := range r.Top {
			if q := rs[i].Top[j]; p.Index != q.Index || math.Abs(p.Prob-q.Prob) > 1e-6 {
				t.Errorf("%s with --batch 4: entry %d is %+v, with 16: %+v", r.File, j, p, q)
			}
		}
	}
	code, text, _ := classifyArgs(t, "--weights", ck, "--top", "2", ball)
	lines := strings.Split(strings.TrimSpace(text), "\n")
	if code != 0 || len(lines) != 3 || lines[0] != ball || !strings.HasSuffix(lines[1], rs[0].Top[0].Label) {
		t.Errorf("text output (status %d):\n%s\nwant the file, then its 2 best classes (first %q)", code, text, rs[0].Top[0].Label)
	}
}

// A checkpoint given the wrong --arch fails before any device work, naming the tensors; so do a
// bad weights path, a missing --weights, and a bad --top; --help succeeds.
func TestClassifyErrors(t *testing.T) {
	ck := checkpoint(t)
	img := filepath.Join(samples, "ball.jpg")
	small, _ := train.Get("alexnet-small", len(names), 3, 28)
	labels := filepath.Join(t.TempDir(), "three.txt")
	if err := os.WriteFile(labels, []byte("a\nb\nc\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"--weights", ck, "--arch", "alexnet-tv", img}, 1, []string{`"features.0.weight": missing`, `"conv1.weight": unexpected`, "a checkpoint of alexnet-small"}},
		{[]string{"--weights", ck, "--arch", "alexnet", img}, 1, []string{fmt.Sprintf(`"conv1.weight": shape %v, model expects [96 3 11 11]`, small.Params()[0].Shape)}},
		{[]string{"--weights", ck, "--size", "32", img}, 1, []string{`"fc6.weight": shape`}},
		{[]string{"--weights", "nowhere.safetensors", img}, 1, []string{"nowhere.safetensors"}},
		{[]string{"--weights", ck, "--labels", labels, img}, 1, []string{"3 names, the weights have 7 classes"}},
		{[]string{img}, 2, []string{"--weights FILE is required"}},
		{[]string{"--weights", ck}, 2, []string{"no images given"}},
		{[]string{"--weights", ck, "--top", "0", img}, 2, []string{"--top 0"}},
		{[]string{"--help"}, 0, []string{"Examples:", "--ten-crop", "--device"}},
	} {
		var out, errb bytes.Buffer
		code := run(tc.args, &out, &errb)
		if code != tc.code || out.Len() != 0 {
			t.Errorf("classify %v: status %d, stdout %q; want %d and nothing on stdout", tc.args, code, out.String(), tc.code)
		}
		for _, w := range tc.want {
			if !strings.Contains(errb.String(), w) {
				t.Errorf("classify %v: stderr does not say %q:\n%s", tc.args, w, errb.String())
			}
		}
	}
}

// --export writes the parameters alone under the architecture's names, equal to the checkpoint's.
func TestClassifyExport(t *testing.T) {
	ck := checkpoint(t)
	path := filepath.Join(t.TempDir(), "w.safetensors")
	if code, _, errs := classifyArgs(t, "--weights", ck, "--export", path); code != 0 {
		t.Fatalf("status %d: %s", code, errs)
	}
	got, meta, err := weights.ReadSafetensors(path)
	if err != nil {
		t.Fatal(err)
	}
	src, _, err := weights.ReadSafetensors(ck)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string][]float32{}
	for _, s := range src {
		byName[s.Name] = s.Data
	}
	a, _ := train.Get("alexnet-small", len(names), 3, 28)
	if len(got) != len(a.Params()) || meta["format"] != "pt" {
		t.Fatalf("%d tensors, metadata %v; want the %d parameters and format=pt", len(got), meta, len(a.Params()))
	}
	for i, p := range a.Params() {
		if got[i].Name != p.Name || !slices.Equal(got[i].Shape, p.Shape) || !slices.Equal(got[i].Data, byName[p.Name]) {
			t.Errorf("tensor %d: %s %v, want %s %v with the checkpoint's values", i, got[i].Name, got[i].Shape, p.Name, p.Shape)
		}
	}
}

// Weights holding a NaN give no probabilities: each image is reported, nothing is printed.
func TestClassifyNonFinite(t *testing.T) {
	ts, meta, err := weights.ReadSafetensors(checkpoint(t))
	if err != nil {
		t.Fatal(err)
	}
	for i := range ts {
		if ts[i].Name == "fc8.bias" {
			ts[i].Data[0] = float32(math.NaN())
		}
	}
	path := filepath.Join(t.TempDir(), "nan.safetensors")
	if err := weights.WriteSafetensors(path, ts, meta); err != nil {
		t.Fatal(err)
	}
	code, out, errs := classifyArgs(t, "--weights", path, filepath.Join(samples, "ball.jpg"))
	if code != 1 || out != "" || !strings.Contains(errs, "ball.jpg: the network's output is not finite") {
		t.Errorf("status %d, stdout %q, stderr:\n%s\nwant status 1 and ball.jpg reported", code, out, errs)
	}
}

// With --ten-crop, alexnet-small (whose crops are the whole image) averages the softmax of the
// image and of its mirror: five crops of each. Checked against single-crop runs on an asymmetric
// 28×28 image and its mirror (no resizing, so the mirror is exact); probabilities over every class
// sum to 1.
func TestClassifyTenCrop(t *testing.T) {
	ck := checkpoint(t)
	dir := t.TempDir()
	img, mir := image.NewRGBA(image.Rect(0, 0, 28, 28)), image.NewRGBA(image.Rect(0, 0, 28, 28))
	for y := 0; y < 28; y++ {
		for x := 0; x < 28; x++ {
			c := color.RGBA{uint8(9 * x), uint8(255 - 5*y), uint8((x * y) % 256), 255}
			img.SetRGBA(x, y, c)
			mir.SetRGBA(27-x, y, c)
		}
	}
	paths := []string{filepath.Join(dir, "a.png"), filepath.Join(dir, "a_mirrored.png")}
	for i, m := range []image.Image{img, mir} {
		var b bytes.Buffer
		if err := png.Encode(&b, m); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(paths[i], b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	probs := func(r Result) []float64 {
		p := make([]float64, len(names))
		for _, e := range r.Top {
			p[e.Index] = e.Prob
		}
		return p
	}
	top := strconv.Itoa(len(names))
	code, out1, errs := classifyArgs(t, "--weights", ck, "--json", "--top", top, paths[0], paths[1])
	if code != 0 {
		t.Fatalf("status %d: %s", code, errs)
	}
	single := parseResults(t, out1, len(names))
	code, out10, errs := classifyArgs(t, "--weights", ck, "--json", "--top", top, "--ten-crop", paths[0])
	if code != 0 || !strings.Contains(errs, "10 crops") {
		t.Fatalf("--ten-crop: status %d, stderr:\n%s", code, errs)
	}
	ten := probs(parseResults(t, out10, len(names))[0])
	p0, p1 := probs(single[0]), probs(single[1])
	differ := false
	for c := range ten {
		want := (p0[c] + p1[c]) / 2
		differ = differ || math.Abs(p0[c]-p1[c]) > 1e-4
		if math.Abs(ten[c]-want) > 1e-6 {
			t.Errorf("class %d: ten-crop probability %v, mean of the image's and its mirror's %v", c, ten[c], want)
		}
	}
	if !differ {
		t.Errorf("the image and its mirror give the same probabilities %v: the test cannot tell crops apart", p0)
	}
}
