package data

import (
	"errors"
	"io"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// openIDXTest opens a synthetic IDX dataset of n h×w images.
func openIDXTest(t *testing.T, n, h, w int) *Dataset {
	t.Helper()
	d, err := Open(makeIDXDir(t, n, 3, h, w, 10, false), OpenOptions{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// collect runs a loader to the end (or max batches) and returns deep copies of its batches.
func collect(t *testing.T, s *Split, cfg LoaderConfig, maxBatches int) []Batch {
	t.Helper()
	l, err := NewLoader(s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var out []Batch
	for len(out) < maxBatches {
		b, err := l.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		c := *b
		c.X, c.Labels, c.Index = slices.Clone(b.X), slices.Clone(b.Labels), slices.Clone(b.Index)
		out = append(out, c)
	}
	return out
}

// sameBatches reports the first difference between two batch lists, or "".
func sameBatches(a, b []Batch) string {
	if len(a) != len(b) {
		return "different numbers of batches"
	}
	for i := range a {
		if a[i].Epoch != b[i].Epoch || a[i].Step != b[i].Step || !slices.Equal(a[i].Labels, b[i].Labels) ||
			!slices.Equal(a[i].Index, b[i].Index) || !slices.Equal(a[i].X, b[i].X) {
			return "batch " + string(rune('0'+i)) + " differs"
		}
	}
	return ""
}

// near compares values that went through x·(1/255) instead of x/255 (one float32 rounding apart).
func near(a, b float32) bool { return math.Abs(float64(a-b)) <= 1e-6 }

// trainCfg is a training configuration that exercises every random draw.
func trainCfg(workers int) LoaderConfig {
	return LoaderConfig{BatchSize: 7, Channels: 3, Crop: 6, Pad: 1, Train: true, Flip: true, ColorNoise: 0.1,
		Norm: NormChannel, Seed: 42, Workers: workers, Prefetch: workers, Epochs: 3}
}

func TestLoaderSameBatchesAnyWorkerCount(t *testing.T) {
	d := openIDXTest(t, 30, 8, 8)
	want := collect(t, d.Train, trainCfg(1), 1000)
	if len(want) != 3*4 {
		t.Fatalf("%d batches, want 3 epochs of 30/7 = 4 (last partial dropped)", len(want))
	}
	for _, w := range []int{2, 5} {
		if diff := sameBatches(want, collect(t, d.Train, trainCfg(w), 1000)); diff != "" {
			t.Fatalf("%d workers: %s", w, diff)
		}
	}
	other := trainCfg(2)
	other.Seed++
	if sameBatches(want, collect(t, d.Train, other, 1000)) == "" {
		t.Fatal("a different seed gave the same batches")
	}
}

func TestLoaderResume(t *testing.T) {
	d := openIDXTest(t, 30, 8, 8)
	all := collect(t, d.Train, trainCfg(2), 1000)
	for _, start := range [][2]int{{0, 1}, {1, 0}, {1, 3}, {2, 2}} {
		cfg := trainCfg(3)
		cfg.StartEpoch, cfg.StartBatch, cfg.Epochs = start[0], start[1], 3-start[0]
		got := collect(t, d.Train, cfg, 1000)
		if diff := sameBatches(all[start[0]*4+start[1]:], got); diff != "" {
			t.Fatalf("resumed at epoch %d batch %d: %s", start[0], start[1], diff)
		}
	}
}

func TestLoaderEpochOrder(t *testing.T) {
	d := openIDXTest(t, 23, 4, 4)
	cfg := LoaderConfig{BatchSize: 5, Train: true, KeepLast: true, Norm: NormNone, Seed: 3, Epochs: 2}
	bs := collect(t, d.Train, cfg, 100)
	var epochs [2][]int
	for _, b := range bs {
		epochs[b.Epoch] = append(epochs[b.Epoch], b.Index...)
		for n, i := range b.Index {
			if b.Labels[n] != int32(d.Train.Label(i)) {
				t.Fatalf("label %d for sample %d", b.Labels[n], i)
			}
		}
	}
	for e, idx := range epochs {
		if s := slices.Sorted(slices.Values(idx)); len(s) != 23 || s[0] != 0 || s[22] != 22 || len(slices.Compact(s)) != 23 {
			t.Fatalf("epoch %d visits %v, want each of the 23 samples once", e, idx)
		}
	}
	if slices.Equal(epochs[0], epochs[1]) || slices.IsSorted(epochs[0]) {
		t.Fatal("training order is not reshuffled each epoch")
	}
	eval := collect(t, d.Train, LoaderConfig{BatchSize: 5, KeepLast: true, Norm: NormNone, Epochs: 1}, 100)
	if len(eval) != 5 || eval[4].N != 3 || len(eval[4].X) != 3*16 || eval[0].Index[4] != 4 || eval[4].Index[2] != 22 {
		t.Fatalf("eval: %d batches, last N=%d: want 5 in dataset order, the last of 3", len(eval), eval[len(eval)-1].N)
	}
}

func TestLoaderConfigErrors(t *testing.T) {
	d := openIDXTest(t, 10, 8, 8)
	cases := []struct {
		name string
		cfg  LoaderConfig
		want string
	}{
		{"no batch size", LoaderConfig{}, "batch size"},
		{"batch over the split", LoaderConfig{BatchSize: 11, Norm: NormNone}, "fewer than batch size"},
		{"crop too big", LoaderConfig{BatchSize: 2, Crop: 9, Norm: NormNone}, "crop 9"},
		{"two channels", LoaderConfig{BatchSize: 2, Channels: 2, Norm: NormNone}, "2 output channels"},
		{"start batch", LoaderConfig{BatchSize: 2, StartBatch: 5, Norm: NormNone}, "batch 5"},
		{"stats shape", LoaderConfig{BatchSize: 2, Stats: &Stats{C: 3, H: 8, W: 8}}, "statistics are for"},
	}
	for _, c := range cases {
		if _, err := NewLoader(d.Train, c.cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error saying %q", c.name, err, c.want)
		}
	}
}

func TestLoaderCloseLeaksNothing(t *testing.T) {
	d := openIDXTest(t, 50, 8, 8)
	before := runtime.NumGoroutine()
	for _, consume := range []int{0, 1, 3} {
		l, err := NewLoader(d.Train, LoaderConfig{BatchSize: 4, Train: true, Norm: NormNone, Workers: 3, Prefetch: 2})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < consume; i++ {
			if _, err := l.Next(); err != nil {
				t.Fatal(err)
			}
		}
		l.Close()
		l.Close()
	}
	if after := runtime.NumGoroutine(); after > before {
		t.Fatalf("%d goroutines before, %d after closing the loaders", before, after)
	}
}

func TestOrderedBoundsWork(t *testing.T) {
	for _, window := range []int{1, 3} {
		started := make(chan int, 1000)
		o := startOrdered(100, 4, window, func(k int) int { started <- k; return k * k })
		for want := 0; want < 100; want++ {
			// Before taking result want, at most window+1 jobs beyond the taken ones have started.
			if n := len(started); n > want+window+1 {
				t.Fatalf("window %d: %d jobs started with %d results taken", window, n, want)
			}
			v, ok := o.next()
			if !ok || v != want*want {
				t.Fatalf("result %d: %d %v", want, v, ok)
			}
		}
		if _, ok := o.next(); ok {
			t.Fatal("results after the last job")
		}
		o.close()
	}
}

func TestLoaderReportsReadErrors(t *testing.T) {
	d := openIDXTest(t, 10, 4, 4)
	d.Train.src = failingSource{d.Train.src}
	l, err := NewLoader(d.Train, LoaderConfig{BatchSize: 5, Norm: NormNone})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if _, err := l.Next(); err == nil || !strings.Contains(err.Error(), "disk on fire") || errors.Is(err, ErrBadImage) {
		t.Fatalf("got %v, want the read error", err)
	}
}

// failingSource fails every read with an I/O error (not a bad image).
type failingSource struct{ source }

func (failingSource) image(int, []byte) error { return errors.New("disk on fire") }
