package data

import (
	"strings"
	"testing"
)

func TestDecodeCIFAR(t *testing.T) {
	good := cifarBytes(3, 0)
	labels, pix, err := decodeCIFAR("b.bin", good)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ { // planes CHW in the file become HWC
		for _, p := range [][3]int{{0, 0, 0}, {5, 31, 2}, {31, 7, 1}} {
			y, x, k := p[0], p[1], p[2]
			if got, want := pix[((i*32+y)*32+x)*3+k], pixelOf(i, y, x, k); got != want || labels[i] != int32(i%10) {
				t.Fatalf("image %d (y%d x%d k%d): pixel %d label %d, want %d and %d", i, y, x, k, got, labels[i], want, i%10)
			}
		}
	}
	bad := append([]byte{}, good...)
	bad[cifarRecord] = 10
	cases := []struct {
		name, wantErr string
		b             []byte
	}{
		{"empty", "empty", nil},
		{"truncated", "not a whole number", good[:len(good)-5]},
		{"label 10", "record 1 has label 10", bad},
	}
	for _, c := range cases {
		if _, _, err := decodeCIFAR("b.bin", c.b); err == nil || !strings.Contains(err.Error(), c.wantErr) || !strings.Contains(err.Error(), "b.bin") {
			t.Errorf("%s: got %v, want an error naming b.bin and saying %q", c.name, err, c.wantErr)
		}
	}
}

func TestOpenCIFAR(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "cifar-10-batches-bin/data_batch_1.bin", cifarBytes(4, 0))
	writeFile(t, dir, "cifar-10-batches-bin/data_batch_2.bin", cifarBytes(3, 4))
	writeFile(t, dir, "cifar-10-batches-bin/test_batch.bin", cifarBytes(2, 100))
	d, err := Open(dir, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Format != FormatCIFAR10 || d.Train.Len() != 7 || d.Test.Len() != 2 || len(d.Classes) != 10 || d.Classes[9] != "truck" {
		t.Fatalf("got %v with %d/%d samples, classes %v", d.Format, d.Train.Len(), d.Test.Len(), d.Classes)
	}
	pix := make([]byte, cifarPixels)
	if err := d.Train.Image(5, pix); err != nil || pix[3*33+2] != pixelOf(5, 1, 1, 2) || d.Train.Label(5) != 5 {
		t.Fatalf("sample 5 of the second batch: err %v, pixel %d label %d", err, pix[3*33+2], d.Train.Label(5))
	}
	writeFile(t, dir, "cifar-10-batches-bin/data_batch_3.bin", cifarBytes(1, 0)[:100])
	if _, err := Open(dir, OpenOptions{}); err == nil || !strings.Contains(err.Error(), "data_batch_3.bin") {
		t.Fatalf("truncated batch: got %v, want an error naming data_batch_3.bin", err)
	}
}

// FuzzCIFAR checks that no input makes the CIFAR-10 reader panic or return inconsistent lengths.
func FuzzCIFAR(f *testing.F) {
	good := cifarBytes(2, 0)
	for _, seed := range [][]byte{good, good[:cifarRecord], good[:100], {200}} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		labels, pix, err := decodeCIFAR("fuzz", b)
		if err != nil {
			return
		}
		if len(pix) != len(labels)*cifarPixels {
			t.Fatalf("%d labels, %d pixel bytes", len(labels), len(pix))
		}
		for _, l := range labels {
			if l < 0 || l > 9 {
				t.Fatalf("label %d", l)
			}
		}
	})
}
