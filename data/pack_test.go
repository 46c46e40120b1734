package data

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestPackThenTrainReads(t *testing.T) {
	in := t.TempDir()
	makeImageFolder(t, in, "train", 5)
	makeImageFolder(t, in, "val", 2)
	writeFile(t, in, "train/classb/broken.jpg", []byte("not a jpeg"))
	out := filepath.Join(t.TempDir(), "shards")
	warn := &syncBuffer{}
	var last [2]int
	rep, err := Pack(context.Background(), in, out, PackOptions{Size: 12, ShardSize: 4, Workers: 3, Warn: warn,
		Progress: func(done, total int) { last = [2]int{done, total} }})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep) != 2 || rep[0].Files != 16 || rep[0].Images != 15 || rep[0].Skipped != 1 || rep[0].Shards != 4 || rep[1].Images != 6 {
		t.Fatalf("report %+v", rep)
	}
	if last != [2]int{22, 22} {
		t.Fatalf("last progress %v, want 22 of 22", last)
	}
	if w := warn.String(); strings.Count(w, "warning") != 1 || !strings.Contains(w, "broken.jpg") {
		t.Fatalf("want one warning naming broken.jpg, got %q", w)
	}
	sh, err := Open(out, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer sh.Close()
	img, err := Open(in, OpenOptions{ImageSize: 12, Warn: &syncBuffer{}})
	if err != nil {
		t.Fatal(err)
	}
	if sh.Format != FormatShards || sh.Train.Len() != 15 || sh.Test.Len() != 6 || !slices.Equal(sh.Classes, img.Classes) || sh.Height != 12 {
		t.Fatalf("shards: %v %d/%d %v %d", sh.Format, sh.Train.Len(), sh.Test.Len(), sh.Classes, sh.Height)
	}
	// The shards hold exactly the ImageFolder's decoded images, in order, the broken one left out.
	a, b := make([]byte, 12*12*3), make([]byte, 12*12*3)
	j := 0
	for i := 0; i < img.Train.Len(); i++ {
		if err := img.Train.Image(i, a); err != nil {
			continue
		}
		if err := sh.Train.Image(j, b); err != nil || !slices.Equal(a, b) || sh.Train.Label(j) != img.Train.Label(i) {
			t.Fatalf("shard image %d differs from %s (err %v)", j, img.Train.SampleName(i), err)
		}
		j++
	}
	// And training reads them.
	bs := collect(t, sh.Train, LoaderConfig{BatchSize: 5, Crop: 10, Train: true, Flip: true, ColorNoise: 0.1, Epochs: 1}, 10)
	if len(bs) != 3 || bs[0].C != 3 || bs[0].H != 10 {
		t.Fatalf("loaded %d batches from the shards", len(bs))
	}
}

func TestPackRestart(t *testing.T) {
	in := t.TempDir()
	makeImageFolder(t, in, "", 6)
	ref := filepath.Join(t.TempDir(), "ref")
	opts := PackOptions{Size: 8, ShardSize: 5, Workers: 2, Warn: &syncBuffer{}}
	if _, err := Pack(context.Background(), in, ref, opts); err != nil {
		t.Fatal(err)
	}
	for _, stopAt := range []int{1, 7, 12} {
		out := filepath.Join(t.TempDir(), "out")
		ctx, cancel := context.WithCancel(context.Background())
		o := opts
		o.Progress = func(done, total int) {
			if done >= stopAt {
				cancel()
			}
		}
		if _, err := Pack(ctx, in, out, o); err == nil {
			t.Fatalf("stop at %d: interrupted run reported success", stopAt)
		}
		// Whatever is on disk under a shard name is complete; the set as a whole is refused.
		names, _ := filepath.Glob(filepath.Join(out, "train", "*.shard"))
		for _, n := range names {
			b, _ := os.ReadFile(n)
			if _, err := decodeShard(n, b); err != nil {
				t.Fatalf("stop at %d: %v", stopAt, err)
			}
		}
		if _, err := Open(out, OpenOptions{}); err == nil || !strings.Contains(err.Error(), "rerun") {
			t.Fatalf("stop at %d: opening an unfinished prep output: %v", stopAt, err)
		}
		rep, err := Pack(context.Background(), in, out, opts)
		if err != nil {
			t.Fatal(err)
		}
		if rep[0].Reused != len(names) {
			t.Fatalf("stop at %d: rerun kept %d shards, %d were complete", stopAt, rep[0].Reused, len(names))
		}
		for k := 0; k < 4; k++ { // the finished run equals an uninterrupted one, byte for byte
			want, _ := os.ReadFile(filepath.Join(ref, "train", shardFileName(k)))
			got, _ := os.ReadFile(filepath.Join(out, "train", shardFileName(k)))
			if len(want) == 0 || !slices.Equal(want, got) {
				t.Fatalf("stop at %d: shard %d differs from the uninterrupted run's", stopAt, k)
			}
		}
		if left, _ := filepath.Glob(filepath.Join(out, "train", "*.tmp*")); len(left) > 0 {
			t.Fatalf("temporary files left: %v", left)
		}
	}
	// Another size into the same folder is refused rather than mixed.
	o := opts
	o.Size = 16
	if _, err := Pack(context.Background(), in, ref, o); err == nil || !strings.Contains(err.Error(), "different prep run") {
		t.Fatalf("mixing runs: %v", err)
	}
}

func TestPackErrors(t *testing.T) {
	empty := t.TempDir()
	if _, err := Pack(context.Background(), empty, t.TempDir(), PackOptions{}); err == nil || !strings.Contains(err.Error(), empty) {
		t.Fatalf("empty input: %v", err)
	}
	missing := filepath.Join(empty, "missing")
	if _, err := Pack(context.Background(), missing, t.TempDir(), PackOptions{}); err == nil || !strings.Contains(err.Error(), missing) {
		t.Fatalf("missing input: %v", err)
	}
}
