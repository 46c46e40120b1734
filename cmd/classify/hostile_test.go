package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alexnet-vk/alexnet/internal/hostile"
	"github.com/alexnet-vk/alexnet/train"
)

// childCase runs the command itself when this test binary is a hostile-input child (see
// TestClassifyHostileBounded); it returns false in a normal test run.
func childCase() bool {
	name, arg := hostile.Case()
	if name != "classify" {
		return false
	}
	os.Exit(run(strings.Split(arg, "\n"), os.Stdout, os.Stderr))
	return true
}

// hostileFiles makes the hostile inputs for classify in a new folder.
type hostileFiles struct {
	fifo, zeroPNG, bigPNGs, mixedDir, sharedPth, hugePth, bigLabels string
}

func makeHostileFiles(t *testing.T) hostileFiles {
	t.Helper()
	dir := t.TempDir()
	var h hostileFiles
	var err error
	if h.fifo, err = hostile.FIFO(dir, "pipe.png"); err != nil {
		t.Fatal(err)
	}
	if h.zeroPNG, err = hostile.DevZeroLink(dir, "zero.png"); err != nil {
		t.Fatal(err)
	}
	h.bigPNGs = filepath.Join(dir, "big")
	os.Mkdir(h.bigPNGs, 0o755)
	for i := range 4 {
		if err := hostile.PNGZeros(filepath.Join(h.bigPNGs, fmt.Sprintf("%d.png", i)), 10240, 10240, 16); err != nil {
			t.Fatal(err)
		}
	}
	h.mixedDir = filepath.Join(dir, "mixed")
	hostile.FIFO(h.mixedDir, "pipe.png")
	hostile.DevZeroLink(h.mixedDir, "zero.jpg")
	b, _ := os.ReadFile(filepath.Join(samples, "ball.jpg"))
	os.WriteFile(filepath.Join(h.mixedDir, "ball.jpg"), b, 0o644)
	var ts []hostile.PthTensor
	for i := range 40 {
		ts = append(ts, hostile.PthTensor{Name: fmt.Sprintf("t%d", i), Key: "0", Shape: []int{64 << 20}})
	}
	h.sharedPth = filepath.Join(dir, "shared.pth")
	if err := hostile.PthZeros(h.sharedPth, ts, []hostile.PthStorage{{Key: "0", Numel: 64 << 20, Bytes: 256 << 20, Deflate: true}}); err != nil {
		t.Fatal(err)
	}
	h.hugePth = filepath.Join(dir, "huge.pth")
	if err := hostile.PthZeros(h.hugePth, []hostile.PthTensor{{Name: "features.0.weight", Key: "0", Shape: []int{768 << 20}}},
		[]hostile.PthStorage{{Key: "0", Numel: 768 << 20, Bytes: 3 << 30, Deflate: true}}); err != nil {
		t.Fatal(err)
	}
	h.bigLabels = filepath.Join(dir, "labels.txt")
	os.WriteFile(h.bigLabels, make([]byte, maxLabelsBytes+1), 0o644)
	return h
}

// Every hostile input classify takes (labels, weights, images, a checkpoint's dataset) gets a clear
// error naming it, the readable images are still classified, and nothing hangs.
func TestClassifyHostileInputs(t *testing.T) {
	ck := checkpoint(t)
	h := makeHostileFiles(t)
	img := filepath.Join(samples, "ball.jpg")
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"labels /dev/zero", []string{"--weights", ck, "--labels", "/dev/zero", img}, []string{"--labels: /dev/zero: a character device"}},
		{"labels FIFO", []string{"--weights", ck, "--labels", h.fifo, img}, []string{"--labels: " + h.fifo + ": a FIFO"}},
		{"labels link to /dev/zero", []string{"--weights", ck, "--labels", h.zeroPNG, img}, []string{h.zeroPNG + ": a character device"}},
		{"labels too large", []string{"--weights", ck, "--labels", h.bigLabels, img}, []string{h.bigLabels, "16777216-byte limit"}},
		{"weights FIFO", []string{"--weights", h.fifo, img}, []string{"--weights", h.fifo, "a FIFO"}},
		{"weights /dev/zero", []string{"--weights", "/dev/zero", img}, []string{"/dev/zero: a character device"}},
		{"pth: one storage, 40 views", []string{"--weights", h.sharedPth, img}, []string{h.sharedPth, `"t0": unexpected`}},
		{"pth: a 3 GiB record", []string{"--weights", h.hugePth, img}, []string{h.hugePth, `"features.0.weight": shape [805306368], model expects [64 3 11 11]`}},
		{"image FIFO", []string{"--weights", ck, h.fifo, img}, []string{h.fifo + ": a FIFO (named pipe), not an image file (skipped)", "1 image(s)", "1 input(s) unreadable"}},
		{"image .png link to /dev/zero", []string{"--weights", ck, h.zeroPNG, img}, []string{h.zeroPNG + ": a character device", "1 image(s)"}},
		{"image /dev/zero", []string{"--weights", ck, "/dev/zero", img}, []string{"/dev/zero: a character device", "1 image(s)"}},
		{"a folder with a FIFO and a link to /dev/zero", []string{"--weights", ck, h.mixedDir},
			[]string{"pipe.png: a FIFO", "zero.jpg: a character device", "1 image(s)", "2 input(s) unreadable"}},
		{"four 10240² 16-bit PNGs", []string{"--weights", ck, h.bigPNGs, img},
			[]string{"3.png: png of 10240x10240 pixels needs 1200 MiB to decode", "1 image(s)", "4 input(s) unreadable"}},
	} {
		span := hostile.Begin()
		code, _, errs := classifyArgs(t, tc.args...)
		if code != 1 {
			t.Errorf("%s: status %d, want 1:\n%s", tc.name, code, errs)
		}
		for _, w := range tc.want {
			if !strings.Contains(errs, w) {
				t.Errorf("%s: stderr does not say %q:\n%s", tc.name, w, errs)
			}
		}
		span.Within(t, tc.name, hostile.MaxTime)
	}
}

// A checkpoint whose recorded dataset is a FIFO: a warning naming it, no hang. A checkpoint whose
// dataset is a real folder: its statistics are computed and cached in the user's cache folder, and
// nothing is written next to the dataset.
func TestClassifyCheckpointDataset(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	fifo, err := hostile.FIFO(t.TempDir(), "train-images-idx3-ubyte")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan string)
	go func() {
		var warn strings.Builder
		prepFor(train.Small(10, 3, 28), &train.State{Data: fifo}, &warn)
		done <- warn.String()
	}()
	select {
	case w := <-done:
		if !strings.Contains(w, fifo) || !strings.Contains(w, "a FIFO") {
			t.Errorf("warning %q, want one naming the FIFO", w)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a checkpoint's FIFO dataset hangs classify")
	}
	data := t.TempDir()
	for _, c := range []string{"a", "b"} {
		b, _ := os.ReadFile(filepath.Join(samples, "ball.jpg"))
		os.MkdirAll(filepath.Join(data, c), 0o755)
		os.WriteFile(filepath.Join(data, c, "x.jpg"), b, 0o644)
	}
	var warn strings.Builder
	p := prepFor(train.Small(2, 3, 28), &train.State{Data: data}, &warn)
	if !strings.Contains(p.desc, "per-channel mean/std of "+data) {
		t.Fatalf("preprocessing %q, warnings %q: want the dataset's statistics", p.desc, warn.String())
	}
	filepath.WalkDir(data, func(path string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() && filepath.Base(path) != "x.jpg" {
			t.Errorf("classify wrote %s next to the checkpoint's dataset", path)
		}
		return nil
	})
	if m, _ := filepath.Glob(filepath.Join(cache, "alexnet", "alexnet-stats-*.bin")); len(m) != 1 {
		t.Errorf("statistics cache files in $XDG_CACHE_HOME/alexnet: %v, want one", m)
	}
}

// The hostile inputs, run through the command in a child process: each gets its error within 10 s
// with under 1 GiB of peak memory.
func TestClassifyHostileBounded(t *testing.T) {
	ck := checkpoint(t)
	h := makeHostileFiles(t)
	img := filepath.Join(samples, "ball.jpg")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"labels /dev/zero", []string{"--weights", ck, "--labels", "/dev/zero", img}, "a character device"},
		{"pth: one storage, 40 views", []string{"--weights", h.sharedPth, img}, `"t39": unexpected`},
		{"pth: a 3 GiB record", []string{"--weights", h.hugePth, img}, "model expects [64 3 11 11]"},
		{"images: FIFO, /dev/zero, four 10240² 16-bit PNGs", []string{"--weights", ck, h.fifo, h.zeroPNG, h.bigPNGs, img}, "6 input(s) unreadable"},
	} {
		out := hostile.Check(t, "classify", strings.Join(tc.args, "\n"), 1)
		if !strings.Contains(out, tc.want) {
			t.Errorf("%s: output does not say %q:\n%s", tc.name, tc.want, out)
		}
	}
}
