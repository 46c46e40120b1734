package data

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenErrors(t *testing.T) {
	empty := t.TempDir()
	filesOnly := t.TempDir()
	writeFile(t, filesOnly, "a.jpg", imageBytes(t, solidColors[0], 8, 8, "jpg"))
	noImages := t.TempDir()
	writeFile(t, noImages, "cls/readme.txt", []byte("hi"))
	oddFile := writeFile(t, t.TempDir(), "notes.txt", []byte("x"))
	cases := []struct{ name, path, want string }{
		{"missing", filepath.Join(empty, "nope"), "no such file or folder"},
		{"empty folder", empty, "empty folder"},
		{"no class subfolders", filesOnly, "no class subfolders"},
		{"no images", noImages, "no .jpg, .jpeg or .png files"},
		{"unknown file", oddFile, "neither IDX"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Open(c.path, OpenOptions{Warn: &syncBuffer{}})
			if err == nil {
				t.Fatal("opened, want an error")
			}
			msg := err.Error()
			if !strings.Contains(msg, c.path) || !strings.Contains(msg, c.want) || !strings.Contains(msg, "ImageFolder root/<class>") {
				t.Fatalf("error %q should name %s, say %q and list the accepted layouts", msg, c.path, c.want)
			}
		})
	}
	if _, err := Open(empty, OpenOptions{Format: FormatCIFAR10}); err == nil || !strings.Contains(err.Error(), "data_batch") {
		t.Fatalf("explicit CIFAR-10 on an empty folder: %v", err)
	}
}

func TestImageFolderDecode(t *testing.T) {
	root := t.TempDir()
	makeImageFolder(t, root, "train", 4)
	makeImageFolder(t, root, "val", 2)
	d, err := Open(root, OpenOptions{ImageSize: 16})
	if err != nil {
		t.Fatal(err)
	}
	if d.Format != FormatImageFolder || d.Train.Len() != 12 || d.Test == nil || d.Test.Len() != 6 || d.Test.Name != "val" ||
		strings.Join(d.Classes, ",") != "classa,classb,classc" || d.Height != 16 || d.Channels != 3 {
		t.Fatalf("got %v, %d train, test %v, classes %v, %dx%d", d.Format, d.Train.Len(), d.Test, d.Classes, d.Height, d.Width)
	}
	pix := make([]byte, 16*16*3)
	for _, s := range []*Split{d.Train, d.Test} {
		for i := 0; i < s.Len(); i++ {
			if err := s.Image(i, pix); err != nil {
				t.Fatal(err)
			}
			want := solidColors[s.Label(i)]
			for p := 0; p < 16*16; p++ { // every pixel of the rescaled square has its class colour (JPEG ±)
				for k, w := range []uint8{want.R, want.G, want.B} {
					if diff := int(pix[3*p+k]) - int(w); diff < -12 || diff > 12 {
						t.Fatalf("%s: pixel %d channel %d = %d, want about %d", s.SampleName(i), p, k, pix[3*p+k], w)
					}
				}
			}
		}
	}
	// A val class that train lacks is an error naming it.
	writeFile(t, root, "val/zebra/z.png", imageBytes(t, solidColors[0], 4, 4, "png"))
	if _, err := Open(root, OpenOptions{}); err == nil || !strings.Contains(err.Error(), "zebra") {
		t.Fatalf("unknown val class: %v", err)
	}
}

// makeBadFolder writes good images of two classes plus a zero-byte, a non-image, a text file named
// .jpg and a truncated JPEG; it returns the root and the names of the bad files.
func makeBadFolder(t *testing.T) (root string, scanBad, decodeBad []string) {
	root = t.TempDir()
	makeImageFolder(t, root, "", 3)
	writeFile(t, root, "classa/empty.jpg", nil)
	writeFile(t, root, "classb/notes.txt", []byte("not an image"))
	writeFile(t, root, "classb/fake.jpg", []byte("this is text, not a JPEG"))
	full := imageBytes(t, solidColors[2], 40, 40, "jpg")
	writeFile(t, root, "classc/cut.jpg", full[:len(full)/2])
	return root, []string{"empty.jpg", "notes.txt"}, []string{"fake.jpg", "cut.jpg"}
}

func TestImageFolderBadFiles(t *testing.T) {
	root, scanBad, decodeBad := makeBadFolder(t)
	warn := &syncBuffer{}
	d, err := Open(root, OpenOptions{ImageSize: 8, Warn: warn})
	if err != nil {
		t.Fatal(err)
	}
	w := warn.String()
	if strings.Count(w, "warning") != 1 || !strings.Contains(w, "skipped 2 ") {
		t.Fatalf("want one warning counting 2 skipped files, got %q", w)
	}
	for _, name := range scanBad {
		if !strings.Contains(w, name) {
			t.Fatalf("warning %q does not list %s", w, name)
		}
	}
	if d.Train.Len() != 9+2 {
		t.Fatalf("%d samples listed, want the 9 good and the 2 that only fail to decode", d.Train.Len())
	}
	// The loader replaces undecodable images, never yielding a black one, and warns once.
	warn2 := &syncBuffer{}
	d.opts.Warn = warn2
	l, err := NewLoader(d.Train, LoaderConfig{BatchSize: 11, KeepLast: true, Norm: NormNone, Epochs: 2, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	for {
		b, err := l.Next()
		if err != nil {
			break
		}
		for n := 0; n < b.N; n++ {
			name := d.Train.SampleName(b.Index[n])
			for _, bad := range decodeBad {
				if strings.HasSuffix(name, bad) {
					t.Fatalf("batch holds undecodable %s", name)
				}
			}
			if b.Labels[n] != int32(d.Train.Label(b.Index[n])) {
				t.Fatalf("label %d for %s", b.Labels[n], name)
			}
			if x := b.X[n*3*64 : (n+1)*3*64]; maxFloat(x) < 0.3 {
				t.Fatalf("image %d of the batch is dark (max %g): a silent black image", n, maxFloat(x))
			}
		}
	}
	l.Close()
	w2 := warn2.String()
	if l.Skipped() != 2 || strings.Count(w2, "warning") != 1 || !strings.Contains(w2, "skipped 2 ") {
		t.Fatalf("loader skipped %d, warned %q; want 2 in one warning over two epochs", l.Skipped(), w2)
	}
	for _, name := range decodeBad {
		if !strings.Contains(w2, name) {
			t.Fatalf("warning %q does not list %s", w2, name)
		}
	}
}

// maxFloat returns the largest element.
func maxFloat(x []float32) float32 {
	m := x[0]
	for _, v := range x {
		m = max(m, v)
	}
	return m
}

func TestDecodeSquareRejectsBombs(t *testing.T) {
	// A PNG header declaring 100000×100000 pixels must be refused before allocating.
	b := imageBytes(t, solidColors[0], 1, 1, "png")
	b[16], b[17], b[18], b[19] = 0, 1, 0x86, 0xa0
	b[20], b[21], b[22], b[23] = 0, 1, 0x86, 0xa0
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29])) // IHDR's CRC over type and data
	_, err := decodeSquare("bomb.png", b, 8, make([]byte, 192), nil)
	if err == nil || !strings.Contains(err.Error(), "bomb.png") || !strings.Contains(err.Error(), "100000x100000") ||
		!errors.Is(err, ErrBadImage) {
		t.Fatalf("got %v, want a bad-image error naming bomb.png and its declared size", err)
	}
}
