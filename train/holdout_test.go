package train

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/alexnet-vk/alexnet/data"
	"github.com/alexnet-vk/alexnet/data/datatest"
)

// writeImageFolder writes an ImageFolder without a val/ split: classes folders of perClass side×side
// RGB images, PNG and JPEG alternately, class c lit in its own band of rows (learnable).
func writeImageFolder(t *testing.T, dir string, classes, perClass, side int) {
	t.Helper()
	r := uint32(7)
	for c := 0; c < classes; c++ {
		cd := filepath.Join(dir, fmt.Sprintf("class%d", c))
		if err := os.MkdirAll(cd, 0o755); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < perClass; i++ {
			img := image.NewRGBA(image.Rect(0, 0, side, side))
			for y := 0; y < side; y++ {
				for x := 0; x < side; x++ {
					r = r*1664525 + 1013904223
					v := uint8(r >> 27)
					if y*classes/side == c {
						v += 180
					}
					img.Set(x, y, color.RGBA{v, v / 2, 255 - v, 255})
				}
			}
			var b bytes.Buffer
			name := fmt.Sprintf("img%02d.png", i)
			if i%2 == 1 {
				name = fmt.Sprintf("img%02d.jpg", i)
				jpeg.Encode(&b, img, &jpeg.Options{Quality: 90})
			} else {
				png.Encode(&b, img)
			}
			if err := os.WriteFile(filepath.Join(cd, name), b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// writeCIFARBatch writes a CIFAR-10 binary batch of n records (label byte, 3×32×32 pixels).
func writeCIFARBatch(t *testing.T, path string, n int) {
	t.Helper()
	b := make([]byte, 0, n*3073)
	for i := 0; i < n; i++ {
		c := i % 10
		b = append(b, byte(c))
		for p := 0; p < 3072; p++ {
			v := byte((p*7 + i*13) % 32)
			if (p%1024)/32/4 == c%8 {
				v += 180
			}
			b = append(b, v)
		}
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// logLines collects a trainer's log lines.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) hook(format string, args ...any) {
	l.mu.Lock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
	l.mu.Unlock()
}

func (l *logLines) String() string { return strings.Join(l.lines, "\n") }

// Data without a test split train and evaluate on a held-out part, announced in the log, in every
// format: a plain ImageFolder of PNG and JPEG class folders, an IDX folder without t10k files, a
// single IDX file, CIFAR-10 without test_batch.bin, and prep shards of such a folder. With
// --holdout 0 the run trains without evaluation and says so. None of these may panic.
func TestNoTestSplit(t *testing.T) {
	root := t.TempDir()
	folder := filepath.Join(root, "photos")
	writeImageFolder(t, folder, 3, 14, 36)
	idxDir := filepath.Join(root, "idx")
	os.MkdirAll(idxDir, 0o755)
	if err := datatest.WriteIDX(idxDir, "train", 96, 1); err != nil {
		t.Fatal(err)
	}
	cifar := filepath.Join(root, "cifar")
	os.MkdirAll(cifar, 0o755)
	writeCIFARBatch(t, filepath.Join(cifar, "data_batch_1.bin"), 96)
	shards := filepath.Join(root, "shards")
	if _, err := data.Pack(context.Background(), folder, shards, data.PackOptions{Size: 32, Warn: new(bytes.Buffer)}); err != nil {
		t.Fatal(err)
	}
	d, l := setup(t)
	for _, tc := range []struct {
		name, data       string
		resize, held     int
		holdout          float64
		noEval           bool
		logWant, logNot1 string
	}{
		{name: "imagefolder", data: folder, resize: 32, held: 4, holdout: 0.1, logWant: "holding out 4 of its 42"},
		{name: "idx folder without t10k", data: idxDir, held: 19, holdout: 0.2, logWant: "holding out 19 of its 96"},
		{name: "single idx file", data: filepath.Join(idxDir, "train-images-idx3-ubyte"), held: 9, holdout: 0.1, logWant: "holding out 9"},
		{name: "cifar without test_batch", data: cifar, held: 9, holdout: 0.1, logWant: "holding out 9"},
		{name: "shards", data: shards, held: 4, holdout: 0.1, logWant: "holding out 4"},
		{name: "holdout 0", data: folder, resize: 32, noEval: true, logWant: "training without evaluation"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := smallConfig(t, tc.data)
			c.Resize, c.HoldOut, c.Batch, c.Steps, c.Epochs, c.EvalEvery = tc.resize, tc.holdout, 8, 4, 0, 2
			var log logLines
			tr, err := NewTrainer(d, l, c)
			if err != nil {
				t.Fatal(err)
			}
			defer tr.Close()
			tr.Hooks.Log = log.hook
			if err := tr.Run(context.Background()); err != nil {
				t.Fatalf("%v\nlog:\n%s", err, &log)
			}
			if !strings.Contains(log.String(), tc.logWant) {
				t.Fatalf("log lacks %q:\n%s", tc.logWant, &log)
			}
			if len(tr.Metrics) != 2 || tr.State.Step != 4 {
				t.Fatalf("%d metrics rows at step %d, want 2 at step 4", len(tr.Metrics), tr.State.Step)
			}
			m := tr.Metrics[1]
			if tc.noEval {
				if tr.Data.Test != nil || !math.IsNaN(m.ValLoss) || m.TrainLoss <= 0 {
					t.Fatalf("without evaluation: test split %v, row %+v", tr.Data.Test, m)
				}
				if _, err := tr.Evaluate(0, false); err == nil || !strings.Contains(err.Error(), "no test split") {
					t.Fatalf("Evaluate without a test split: %v", err)
				}
			} else if tr.Data.Test.Name != "holdout" || tr.Data.Test.Len() != tc.held || m.ValImages != tc.held || math.IsNaN(m.ValLoss) {
				t.Fatalf("held-out split %s of %d images; last row %+v", tr.Data.Test.Name, tr.Data.Test.Len(), m)
			}
			if err := WriteSnapshots(tr); err != nil { // the probe comes from the held-out or training images
				t.Fatal(err)
			}
			if tr.LastCheckpoint() == "" {
				t.Fatal("no checkpoint")
			}
		})
	}
}
