package hostile

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The builders make valid files: the zeros inflate to exactly n bytes (across chunk boundaries), the
// gzip member passes gzip's CRC and size checks, and the PNG decodes.
func TestBuildersMakeValidFiles(t *testing.T) {
	for _, n := range []int64{0, 1, zeroChunk - 1, zeroChunk, 2*zeroChunk + 7} {
		var b bytes.Buffer
		if _, err := DeflateZeros(&b, n); err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(flate.NewReader(&b))
		if err != nil || int64(len(got)) != n || bytes.Count(got, []byte{0}) != len(got) {
			t.Fatalf("DeflateZeros(%d) inflates to %d bytes, err %v", n, len(got), err)
		}
		b.Reset()
		if err := GzipZeros(&b, []byte("head"), n); err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(&b)
		if err != nil {
			t.Fatal(err)
		}
		got, err = io.ReadAll(zr)
		if err != nil || int64(len(got)) != 4+n || string(got[:4]) != "head" {
			t.Fatalf("GzipZeros(%d): %d bytes, err %v", n, len(got), err)
		}
	}
	p := filepath.Join(t.TempDir(), "z.png")
	if err := PNGZeros(p, 300, 20, 16); err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(p)
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil || img.Bounds() != image.Rect(0, 0, 300, 20) {
		t.Fatalf("PNGZeros: %v, %v", err, img)
	}
}

// Run reports the exit status, output and peak memory of a child, and kills one that runs too long.
func TestRun(t *testing.T) {
	r, err := Run(10*time.Second, 0, nil, "sh", "-c", "echo hi; exit 3")
	if err != nil || r.Code != 3 || r.Output != "hi\n" || r.MaxRSS <= 0 || r.TimedOut {
		t.Fatalf("Run: %+v, %v", r, err)
	}
	r, err = Run(200*time.Millisecond, 0, nil, "sleep", "10")
	if err != nil || !r.TimedOut || r.Elapsed > 6*time.Second {
		t.Fatalf("Run past its timeout: %+v, %v", r, err)
	}
}
