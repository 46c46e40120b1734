package data

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alexnet-vk/alexnet/internal/hostile"
)

// within fails the test when f has not returned after d, so that a hang fails instead of hanging.
func within(t *testing.T, d time.Duration, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("still blocked after %v", d)
	}
}

// mustFIFO makes a FIFO at dir/name.
func mustFIFO(t *testing.T, dir, name string) string {
	t.Helper()
	p, err := hostile.FIFO(dir, name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// wantErr checks that err names every string of want.
func wantErr(t *testing.T, what string, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error, want one saying %q", what, want)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Fatalf("%s: error %q does not say %q", what, err, w)
		}
	}
}

// Special files inside an ImageFolder (a FIFO, a .png link to /dev/zero, a socket) are skipped by
// type at Open, named in the warning, and never opened; one that replaces an image after Open is
// refused when read.
func TestImageFolderSpecialFiles(t *testing.T) {
	root := t.TempDir()
	makeImageFolder(t, root, "", 2)
	fifo := mustFIFO(t, root, "classa/pipe.png")
	zero, err := hostile.DevZeroLink(root, "classb/zero.png")
	if err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(root, "classc", "s.png")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	within(t, 10*time.Second, func() {
		warn := &syncBuffer{}
		d, err := Open(root, OpenOptions{ImageSize: 16, Warn: warn, CacheDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		if d.Train.Len() != 6 {
			t.Errorf("%d training images, want the 6 real ones", d.Train.Len())
		}
		w := warn.String()
		for _, s := range []string{"skipped 3", fifo + ": a FIFO (named pipe), not a regular file", zero + ": a character device",
			sock + ": a socket"} {
			if !strings.Contains(w, s) {
				t.Errorf("warning %q does not say %q", w, s)
			}
		}
		// An image replaced by a FIFO after Open: refused when read, as an unreadable image.
		victim := d.Train.SampleName(0)
		os.Remove(victim)
		mustFIFO(t, filepath.Dir(victim), filepath.Base(victim))
		err = d.Train.Image(0, make([]byte, 16*16*3))
		if !errors.Is(err, ErrBadImage) {
			t.Fatalf("reading a FIFO that replaced an image: %v, want ErrBadImage", err)
		}
		wantErr(t, "FIFO image", err, victim, "FIFO")
		if _, err := ComputeStats(d.Train, 10, 2); err != nil {
			t.Fatalf("statistics over a folder with a FIFO: %v", err)
		}
	})
}

// FIFOs and devices as dataset files (IDX, CIFAR-10, shards, manifests) or as the dataset itself
// are errors naming the file and what it is, within seconds.
func TestDatasetSpecialFiles(t *testing.T) {
	idx := t.TempDir()
	mustFIFO(t, idx, "train-images-idx3-ubyte")
	cifar := t.TempDir()
	mustFIFO(t, cifar, "data_batch_1.bin")
	meta := t.TempDir() // a FIFO as the optional class names: ignored, the standard names used
	writeFile(t, meta, "data_batch_1.bin", cifarBytes(3, 0))
	mustFIFO(t, meta, "batches.meta.txt")
	in := t.TempDir()
	makeImageFolder(t, in, "", 2)
	shards := filepath.Join(t.TempDir(), "shards")
	if _, err := Pack(context.Background(), in, shards, PackOptions{Size: 8, ShardSize: 3, Warn: &syncBuffer{}}); err != nil {
		t.Fatal(err)
	}
	badShard := filepath.Join(t.TempDir(), "s")
	os.CopyFS(badShard, os.DirFS(shards))
	os.Remove(filepath.Join(badShard, "train", shardFileName(1)))
	mustFIFO(t, filepath.Join(badShard, "train"), shardFileName(1))
	badManifest := filepath.Join(t.TempDir(), "m")
	os.CopyFS(badManifest, os.DirFS(shards))
	os.Remove(filepath.Join(badManifest, "train", manifestName))
	mustFIFO(t, filepath.Join(badManifest, "train"), manifestName)
	fifoData := mustFIFO(t, t.TempDir(), "data")
	zeroData, _ := hostile.DevZeroLink(t.TempDir(), "train-images-idx3-ubyte")
	for _, tc := range []struct {
		name, path string
		format     Format
		want       []string
	}{
		{"IDX images FIFO", idx, FormatAuto, []string{"train-images-idx3-ubyte", "a FIFO"}},
		{"IDX file given as a FIFO", filepath.Join(idx, "train-images-idx3-ubyte"), FormatIDX, []string{"train-images-idx3-ubyte", "a FIFO"}},
		{"CIFAR batch FIFO", cifar, FormatAuto, []string{"data_batch_1.bin", "a FIFO"}},
		{"shard FIFO", badShard, FormatAuto, []string{shardFileName(1), "a FIFO", "rerun cmd/prep"}},
		{"manifest FIFO", badManifest, FormatAuto, []string{manifestName, "a FIFO"}},
		{"dataset is a FIFO", fifoData, FormatAuto, []string{fifoData, "a FIFO", "not a dataset file or folder"}},
		{"dataset links to /dev/zero", zeroData, FormatAuto, []string{zeroData, "a character device"}},
		{"dataset is /dev/zero as IDX", "/dev/zero", FormatIDX, []string{"/dev/zero", "a character device"}},
		{"dataset is /dev/zero as CIFAR", "/dev/zero", FormatCIFAR10, []string{"/dev/zero", "a character device"}},
	} {
		within(t, 10*time.Second, func() {
			_, err := Open(tc.path, OpenOptions{Format: tc.format, CacheDir: t.TempDir()})
			wantErr(t, tc.name, err, tc.want...)
		})
	}
	within(t, 10*time.Second, func() {
		d, err := Open(meta, OpenOptions{CacheDir: t.TempDir()})
		if err != nil || d.Classes[0] != CIFAR10Classes[0] {
			t.Fatalf("CIFAR-10 with a FIFO for batches.meta.txt: %v", err)
		}
	})
}
