package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// idxBytes encodes an unsigned-byte IDX file with the given dimensions and elements.
func idxBytes(dims []int, elems []byte) []byte {
	b := []byte{0, 0, 0x08, byte(len(dims))}
	for _, d := range dims {
		b = binary.BigEndian.AppendUint32(b, uint32(d))
	}
	return append(b, elems...)
}

// gzipBytes compresses b.
func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// writeFile writes b to dir/name, creating folders, and returns the path.
func writeFile(t testing.TB, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// pixelOf is the value a synthetic image holds at (n, y, x, k): distinct enough to locate crops.
func pixelOf(n, y, x, k int) byte { return byte(n*7 + y*11 + x*3 + k*50) }

// makeIDXDir writes train (n images) and t10k (nt images) IDX pairs of h×w images into a new folder,
// gzipped when gz; labels are i % classes.
func makeIDXDir(t testing.TB, n, nt, h, w, classes int, gz bool) string {
	t.Helper()
	dir := t.TempDir()
	for _, sp := range []struct {
		prefix string
		n      int
	}{{"train", n}, {"t10k", nt}} {
		pix := make([]byte, sp.n*h*w)
		lbl := make([]byte, sp.n)
		for i := 0; i < sp.n; i++ {
			lbl[i] = byte(i % classes)
			for y := 0; y < h; y++ {
				for x := 0; x < w; x++ {
					pix[(i*h+y)*w+x] = pixelOf(i, y, x, 0)
				}
			}
		}
		ib, lb := idxBytes([]int{sp.n, h, w}, pix), idxBytes([]int{sp.n}, lbl)
		suffix := ""
		if gz {
			ib, lb, suffix = gzipBytes(ib), gzipBytes(lb), ".gz"
		}
		writeFile(t, dir, sp.prefix+"-images-idx3-ubyte"+suffix, ib)
		writeFile(t, dir, sp.prefix+"-labels-idx1-ubyte"+suffix, lb)
	}
	return dir
}

// cifarBytes encodes n CIFAR-10 records; record i has label i%10 and pixel (k,y,x) = pixelOf(i,y,x,k).
func cifarBytes(n, first int) []byte {
	var b []byte
	for i := first; i < first+n; i++ {
		b = append(b, byte(i%10))
		for k := 0; k < 3; k++ {
			for y := 0; y < 32; y++ {
				for x := 0; x < 32; x++ {
					b = append(b, pixelOf(i, y, x, k))
				}
			}
		}
	}
	return b
}

// solidColors are the colours of the synthetic ImageFolder classes (far apart, so decoding is checkable).
var solidColors = []color.RGBA{{220, 30, 30, 255}, {30, 200, 40, 255}, {40, 50, 210, 255}}

// imageBytes encodes a w×h image of one colour as JPEG or PNG, with a thin dark border so that the
// centre crop and rescale are visible.
func imageBytes(t testing.TB, c color.RGBA, w, h int, format string) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	var err error
	if format == "png" {
		err = png.Encode(&buf, img)
	} else {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95})
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// makeImageFolder writes root/<split>/class<k>/img<i>.{jpg,png} with perClass images per class of
// solid colour k, of varied sizes and aspect ratios; split "" writes root/class<k>.
func makeImageFolder(t testing.TB, root, split string, perClass int) {
	t.Helper()
	sizes := [][2]int{{40, 30}, {24, 50}, {64, 64}, {33, 17}}
	for k, c := range solidColors {
		for i := 0; i < perClass; i++ {
			format := "jpg"
			if i%3 == 2 {
				format = "png"
			}
			sz := sizes[i%len(sizes)]
			name := filepath.Join(split, "class"+string(rune('a'+k)), "img"+string(rune('0'+i))+"."+format)
			writeFile(t, root, name, imageBytes(t, c, sz[0], sz[1], format))
		}
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent writers, to capture warnings.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

var _ io.Writer = (*syncBuffer)(nil)
