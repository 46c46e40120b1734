package data

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestFashionMNIST loads the real Fashion-MNIST that Debian's dataset-fashion-mnist installs.
func TestFashionMNIST(t *testing.T) {
	if _, err := os.Stat(DefaultPath); err != nil {
		t.Fatalf("Fashion-MNIST is not installed at %s (%v): run `make setup` (Debian package dataset-fashion-mnist)", DefaultPath, err)
	}
	d, err := Open("", OpenOptions{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if d.Format != FormatIDX || d.Train.Len() != 60000 || d.Test.Len() != 10000 || d.Channels != 1 || d.Height != 28 || d.Width != 28 {
		t.Fatalf("got %v %d/%d samples of %dx%dx%d, want IDX 60000/10000 of 1x28x28", d.Format, d.Train.Len(), d.Test.Len(), d.Channels, d.Height, d.Width)
	}
	if !slices.Equal(d.Classes, FashionMNISTClasses) {
		t.Fatalf("classes %v", d.Classes)
	}
	// Fashion-MNIST is balanced: 6000 training and 1000 test images per class.
	for _, s := range []*Split{d.Train, d.Test} {
		count := make([]int, 10)
		for i := 0; i < s.Len(); i++ {
			count[s.Label(i)]++
		}
		for c, n := range count {
			if n != s.Len()/10 {
				t.Fatalf("%s: class %s has %d images, want %d", s.Name, d.Classes[c], n, s.Len()/10)
			}
		}
	}
	// Images are not blank, and a training loader runs over them.
	pix := make([]byte, 28*28)
	if err := d.Test.Image(0, pix); err != nil || slices.Max(pix) == 0 {
		t.Fatalf("test image 0: err %v, max pixel %d", err, slices.Max(pix))
	}
	b := collect(t, d.Test, LoaderConfig{BatchSize: 256, Channels: 1, Crop: 28, Pad: 2, Train: true, Flip: true,
		Norm: NormNone, Epochs: 1, Seed: 1}, 2)
	// The pixel statistics agree with the commonly published Fashion-MNIST values (mean 0.2860,
	// std 0.3530 on [0,1] pixels), computed here from 20,000 evenly spaced training images.
	st, err := d.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if m, sd := st.ChannelMean[0]/255, st.ChannelStd[0]/255; math.Abs(m-0.2860) > 0.005 || math.Abs(sd-0.3530) > 0.005 {
		t.Fatalf("Fashion-MNIST mean %.4f std %.4f on [0,1], want about 0.2860 and 0.3530", m, sd)
	}
	// Statistics are cached in the cache folder, never written beside the data.
	if p := d.statsCachePath(d.statsKey()); filepath.Dir(p) != d.opts.CacheDir {
		t.Fatalf("stats cache path %s, want one in the cache folder %s", p, d.opts.CacheDir)
	}
	if len(b) != 2 || b[1].N != 256 || len(b[1].X) != 256*28*28 {
		t.Fatalf("loader over Fashion-MNIST: %d batches", len(b))
	}
}
