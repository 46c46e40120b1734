package data

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

func TestDecodeIDX(t *testing.T) {
	good := idxBytes([]int{2, 3, 4}, bytes.Repeat([]byte{7}, 24))
	cases := []struct {
		name    string
		b       []byte
		wantErr string // "" = must decode
	}{
		{"plain", good, ""},
		{"gzip", gzipBytes(good), ""},
		{"labels", idxBytes([]int{5}, []byte{0, 1, 2, 3, 4}), ""},
		{"empty", nil, "truncated IDX header"},
		{"wrong magic", append([]byte{1, 2}, good[2:]...), "not an IDX file"},
		{"float elements", append([]byte{0, 0, 0x0d}, good[3:]...), "element type 0x0d"},
		{"zero dims", []byte{0, 0, 8, 0}, "0 dimensions"},
		{"short dims", good[:9], "truncated IDX header"},
		{"truncated data", good[:len(good)-1], "truncated"},
		{"trailing bytes", append(append([]byte{}, good...), 1), "trailing bytes"},
		{"truncated gzip", gzipBytes(good)[:20], "fashion.idx"},
		{"huge dims", idxBytes([]int{1 << 30, 1 << 30, 1 << 30}, nil), "more than"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dims, elems, err := decodeIDX("fashion.idx", c.b)
			if c.wantErr == "" {
				if err != nil {
					t.Fatalf("decode: %v", err)
				}
				n := 1
				for _, d := range dims {
					n *= d
				}
				if n != len(elems) {
					t.Fatalf("dims %v but %d elements", dims, len(elems))
				}
				return
			}
			if err == nil {
				t.Fatalf("decoded %v, want an error containing %q", dims, c.wantErr)
			}
			if !strings.Contains(err.Error(), c.wantErr) || !strings.Contains(err.Error(), "fashion.idx") {
				t.Fatalf("error %q, want it to name the file and say %q", err, c.wantErr)
			}
		})
	}
}

func TestOpenIDX(t *testing.T) {
	for _, gz := range []bool{false, true} {
		dir := makeIDXDir(t, 12, 5, 6, 7, 10, gz)
		d, err := Open(dir, OpenOptions{})
		if err != nil {
			t.Fatalf("gz=%v: %v", gz, err)
		}
		if d.Format != FormatIDX || d.Train.Len() != 12 || d.Test.Len() != 5 || d.Channels != 1 || d.Height != 6 || d.Width != 7 {
			t.Fatalf("gz=%v: got format %v, %d/%d samples of %dx%dx%d", gz, d.Format, d.Train.Len(), d.Test.Len(), d.Channels, d.Height, d.Width)
		}
		if len(d.Classes) != 10 || d.Classes[3] != MNISTClasses[3] {
			t.Fatalf("classes %v, want the digits (path does not say fashion)", d.Classes)
		}
		pix := make([]byte, 42)
		for i := 0; i < 12; i++ {
			if err := d.Train.Image(i, pix); err != nil {
				t.Fatal(err)
			}
			if d.Train.Label(i) != i%10 || pix[2*7+5] != pixelOf(i, 2, 5, 0) {
				t.Fatalf("sample %d: label %d pixel %d, want %d and %d", i, d.Train.Label(i), pix[19], i%10, pixelOf(i, 2, 5, 0))
			}
		}
		// A single images file opens as one split, its labels found beside it.
		suffix := map[bool]string{false: "", true: ".gz"}[gz]
		one, err := Open(filepath.Join(dir, "t10k-images-idx3-ubyte"+suffix), OpenOptions{})
		if err != nil || one.Train.Len() != 5 || one.Test != nil {
			t.Fatalf("single file: %v", err)
		}
	}
}

func TestOpenIDXMismatch(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "train-images-idx3-ubyte", idxBytes([]int{3, 2, 2}, make([]byte, 12)))
	writeFile(t, dir, "train-labels-idx1-ubyte", idxBytes([]int{4}, make([]byte, 4)))
	_, err := Open(dir, OpenOptions{})
	if err == nil || !strings.Contains(err.Error(), "train-labels-idx1-ubyte") {
		t.Fatalf("got %v, want an error naming the labels file", err)
	}
}

// FuzzIDX checks that no input makes the IDX reader panic or return elements that disagree with dims.
func FuzzIDX(f *testing.F) {
	good := idxBytes([]int{2, 2, 3}, []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
	for _, seed := range [][]byte{good, gzipBytes(good), good[:7], idxBytes([]int{3}, []byte{1, 2, 3}),
		{0, 0, 8, 3, 0xff, 0xff, 0xff, 0xff}, {0x1f, 0x8b}} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		dims, elems, err := decodeIDX("fuzz", b)
		if err != nil {
			return
		}
		n := 1
		for _, d := range dims {
			n *= d
		}
		if n != len(elems) {
			t.Fatalf("dims %v but %d elements", dims, len(elems))
		}
	})
}
