package data

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/alexnet-vk/alexnet/internal/regfile"
)

// IDX (LeCun's MNIST format): bytes 0,0 then the element type (0x08 = unsigned byte) and the number
// of dimensions; then each dimension as a big-endian uint32; then the elements, row-major.

// maxIDXBytes is the most elements (bytes) one IDX file may declare: the whole file is held in
// memory, and a gzipped IDX can claim a thousand times its size. MNIST's train images are 47 MB,
// EMNIST ByClass's 640 MB. A header declaring more is refused before anything is allocated or
// decompressed, and no more than the header declares is ever read.
const maxIDXBytes = 768 << 20

// FashionMNISTClasses are Fashion-MNIST's label names, by label.
var FashionMNISTClasses = []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
	"Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}

// MNISTClasses are MNIST's label names (the digits), by label.
var MNISTClasses = []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}

// decodeIDX parses one IDX file's bytes (gzip-compressed or not); name is used in errors.
func decodeIDX(name string, b []byte) (dims []int, elems []byte, err error) {
	return readIDXFrom(name, bufio.NewReader(bytes.NewReader(b)))
}

// readIDXFrom parses an IDX stream, gunzipping it when it starts with gzip's magic.
func readIDXFrom(name string, br *bufio.Reader) (dims []int, elems []byte, err error) {
	var r io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, fmt.Errorf("data: %s: bad gzip stream: %v", name, err)
		}
		r = zr
	}
	return parseIDX(name, r)
}

// parseIDX reads an uncompressed IDX stream whose elements are unsigned bytes: the header, then
// exactly the elements it declares (at most maxIDXBytes), then the end of the stream.
func parseIDX(name string, r io.Reader) (dims []int, elems []byte, err error) {
	var head [4]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return nil, nil, fmt.Errorf("data: %s: truncated IDX header: %v", name, err)
	}
	if head[0] != 0 || head[1] != 0 {
		return nil, nil, fmt.Errorf("data: %s: not an IDX file (magic % x, want 00 00 08 0N)", name, head)
	}
	if head[2] != 0x08 {
		return nil, nil, fmt.Errorf("data: %s: IDX element type 0x%02x, only unsigned bytes (0x08) are supported", name, head[2])
	}
	nd := int(head[3])
	if nd < 1 || nd > 4 {
		return nil, nil, fmt.Errorf("data: %s: IDX has %d dimensions, want 1 to 4", name, nd)
	}
	raw := make([]byte, 4*nd)
	if _, err := io.ReadFull(r, raw); err != nil {
		return nil, nil, fmt.Errorf("data: %s: truncated IDX header: %v", name, err)
	}
	total := uint64(1)
	for i := 0; i < nd; i++ {
		d := uint64(binary.BigEndian.Uint32(raw[4*i:]))
		dims = append(dims, int(d))
		total *= d // cannot overflow: total ≤ maxIDXBytes < 2^32 before, d < 2^32
		if total > maxIDXBytes {
			return nil, nil, fmt.Errorf("data: %s: IDX header declares %v elements, more than the %d MiB an IDX file may hold",
				name, idxDims(raw), maxIDXBytes>>20)
		}
	}
	// The buffer is exactly what the header declares; its pages are only touched as data arrives.
	elems = make([]byte, total)
	n, err := io.ReadFull(r, elems)
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		return nil, nil, fmt.Errorf("data: %s: IDX data truncated: header %v declares %d bytes, the file holds %d", name, dims, total, n)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("data: %s: reading IDX data: %v", name, err)
	}
	var extra [1]byte
	if k, err := io.ReadFull(r, extra[:]); k > 0 {
		return nil, nil, fmt.Errorf("data: %s: IDX data has trailing bytes: header %v declares %d bytes", name, dims, total)
	} else if err != io.EOF {
		return nil, nil, fmt.Errorf("data: %s: reading IDX data: %v", name, err)
	}
	return dims, elems, nil
}

// idxDims formats all dimensions of a raw IDX header for messages.
func idxDims(raw []byte) string {
	s := ""
	for i := 0; i+4 <= len(raw); i += 4 {
		if i > 0 {
			s += "×"
		}
		s += fmt.Sprint(binary.BigEndian.Uint32(raw[i:]))
	}
	return s
}

// readIDX reads and parses one IDX file from disk, which must be a regular file; ident is the
// file's fileIdent.
func readIDX(path string) (dims []int, elems []byte, ident string, err error) {
	f, fi, err := regfile.Open(path, "an IDX file")
	if err != nil {
		return nil, nil, "", fmt.Errorf("data: %v", err)
	}
	defer f.Close()
	dims, elems, err = readIDXFrom(path, bufio.NewReaderSize(f, 1<<20))
	return dims, elems, fileIdent(path, fi), err
}

// idxName matches MNIST-style file names: train-images-idx3-ubyte.gz, t10k-labels.idx1-ubyte, ...
var idxName = regexp.MustCompile(`(?i)^(train|t10k|test)-(images|labels)[-.]idx([13])-ubyte(\.gz)?$`)

// isIDXName reports whether a file name looks like an IDX images or labels file.
func isIDXName(name string) bool {
	return idxName.MatchString(name) || strings.Contains(strings.ToLower(name), "-ubyte")
}

// loadIDXPair reads an images file and its labels file into a memSource; their counts must agree.
func loadIDXPair(imgPath, lblPath string) (*memSource, error) {
	dims, pix, ident, err := readIDX(imgPath)
	if err != nil {
		return nil, err
	}
	if len(dims) != 3 {
		return nil, fmt.Errorf("data: %s: IDX images need 3 dimensions (n, rows, cols), got %v", imgPath, dims)
	}
	ldims, lbl, lident, err := readIDX(lblPath)
	if err != nil {
		return nil, err
	}
	if len(ldims) != 1 || ldims[0] != dims[0] {
		return nil, fmt.Errorf("data: %s: labels %v do not match the %d images of %s", lblPath, ldims, dims[0], imgPath)
	}
	if dims[0] == 0 || dims[1] == 0 || dims[2] == 0 {
		return nil, fmt.Errorf("data: %s: IDX images file is empty (%v)", imgPath, dims)
	}
	m := &memSource{path: imgPath, pixels: pix, c: 1, h: dims[1], w: dims[2],
		labels: make([]int32, len(lbl)), ident: ident + lident}
	for i, l := range lbl {
		m.labels[i] = int32(l)
	}
	return m, nil
}

// idxLabelsPath guesses the labels file beside an images file by MNIST's naming.
func idxLabelsPath(imgPath string) string {
	dir, base := filepath.Split(imgPath)
	r := strings.NewReplacer("images-idx3", "labels-idx1", "images.idx3", "labels.idx1")
	return filepath.Join(dir, r.Replace(base))
}

// openIDX opens an IDX images file (its labels file beside it) or a folder holding train and
// t10k pairs. Class names are Fashion-MNIST's when the path says "fashion", else the digits.
func openIDX(path string) (*Dataset, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("data: %v (%s)", err, layoutsHelp)
	}
	d := &Dataset{Channels: 1}
	if !fi.IsDir() {
		if strings.Contains(filepath.Base(path), "labels") {
			return nil, fmt.Errorf("data: %s: this is an IDX labels file; give the images file or the folder", path)
		}
		src, err := loadIDXPair(path, idxLabelsPath(path))
		if err != nil {
			return nil, err
		}
		d.Train = &Split{Name: "train", src: src}
	} else {
		train, test := findIDX(path)
		if train == "" {
			return nil, fmt.Errorf("data: %s: no train-images-idx3-ubyte[.gz] in this folder (%s)", path, layoutsHelp)
		}
		src, err := loadIDXPair(train, idxLabelsPath(train))
		if err != nil {
			return nil, err
		}
		d.Train = &Split{Name: "train", src: src}
		if test != "" {
			tsrc, err := loadIDXPair(test, idxLabelsPath(test))
			if err != nil {
				return nil, err
			}
			if tsrc.h != src.h || tsrc.w != src.w {
				return nil, fmt.Errorf("data: %s: test images are %dx%d, train images %dx%d", test, tsrc.h, tsrc.w, src.h, src.w)
			}
			d.Test = &Split{Name: "test", src: tsrc}
		}
	}
	m := d.Train.src.(*memSource)
	d.Height, d.Width = m.h, m.w
	d.Classes = idxClasses(path, d.Train, d.Test)
	return d, nil
}

// findIDX returns the train and test images files in dir (either may be ""), preferring plain over .gz.
func findIDX(dir string) (train, test string) {
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		m := idxName.FindStringSubmatch(e.Name())
		if m == nil || !strings.EqualFold(m[2], "images") {
			continue
		}
		p := filepath.Join(dir, e.Name())
		if strings.EqualFold(m[1], "train") {
			if train == "" || strings.HasSuffix(train, ".gz") {
				train = p
			}
		} else if test == "" || strings.HasSuffix(test, ".gz") {
			test = p
		}
	}
	return train, test
}

// idxClasses names the classes: Fashion-MNIST's or MNIST's ten, or numbers when labels exceed ten.
func idxClasses(path string, splits ...*Split) []string {
	maxLabel := int32(0)
	for _, s := range splits {
		if s == nil {
			continue
		}
		for _, l := range s.src.(*memSource).labels {
			maxLabel = max(maxLabel, l)
		}
	}
	if maxLabel < 10 {
		if strings.Contains(strings.ToLower(path), "fashion") {
			return append([]string(nil), FashionMNISTClasses...)
		}
		return append([]string(nil), MNISTClasses...)
	}
	names := make([]string, maxLabel+1)
	for i := range names {
		names[i] = fmt.Sprint(i)
	}
	return names
}
