package data

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/alexnet-vk/alexnet/internal/regfile"
)

// CIFAR-10 binary: each record is 1 label byte then 3072 pixel bytes, the 1024 red values of the
// 32×32 image row-major, then the 1024 green, then the 1024 blue.
const (
	cifarSide   = 32
	cifarPixels = 3 * cifarSide * cifarSide
	cifarRecord = 1 + cifarPixels
)

// CIFAR10Classes are CIFAR-10's label names, by label.
var CIFAR10Classes = []string{"airplane", "automobile", "bird", "cat", "deer",
	"dog", "frog", "horse", "ship", "truck"}

// maxCIFARBytes is the most record bytes the batch files of one split may hold (they are read
// into memory): CIFAR-10's five training batches are 154 MB.
const maxCIFARBytes = 768 << 20

// decodeCIFAR parses one CIFAR-10 batch file's bytes into labels and HWC pixels; name is for errors.
func decodeCIFAR(name string, b []byte) (labels []int32, pixels []byte, err error) {
	if err := checkCIFARSize(name, int64(len(b))); err != nil {
		return nil, nil, err
	}
	n := len(b) / cifarRecord
	labels, pixels = make([]int32, n), make([]byte, n*cifarPixels)
	return labels, pixels, readCIFARRecords(name, bytes.NewReader(b), labels, pixels)
}

// checkCIFARSize refuses a batch file size that is not a positive whole number of records.
func checkCIFARSize(name string, size int64) error {
	if size == 0 {
		return fmt.Errorf("data: %s: empty CIFAR-10 batch file", name)
	}
	if size%cifarRecord != 0 {
		return fmt.Errorf("data: %s: %d bytes is not a whole number of %d-byte CIFAR-10 records (truncated or not CIFAR-10)",
			name, size, cifarRecord)
	}
	return nil
}

// readCIFARRecords reads len(labels) records from r into labels and pixels (HWC).
func readCIFARRecords(name string, r io.Reader, labels []int32, pixels []byte) error {
	const plane = cifarSide * cifarSide
	var rec [cifarRecord]byte
	for i := range labels {
		if _, err := io.ReadFull(r, rec[:]); err != nil {
			return fmt.Errorf("data: %s: reading record %d: %v", name, i, err)
		}
		if rec[0] >= byte(len(CIFAR10Classes)) {
			return fmt.Errorf("data: %s: record %d has label %d, CIFAR-10 labels are 0..9 (is this CIFAR-100?)",
				name, i, rec[0])
		}
		labels[i] = int32(rec[0])
		dst := pixels[i*cifarPixels : (i+1)*cifarPixels]
		for p := 0; p < plane; p++ { // CHW planes → HWC
			dst[3*p] = rec[1+p]
			dst[3*p+1] = rec[1+plane+p]
			dst[3*p+2] = rec[1+2*plane+p]
		}
	}
	return nil
}

// loadCIFARFiles reads several batch files (regular files, at most maxCIFARBytes together) into
// one memSource, allocating its pixels once.
func loadCIFARFiles(files []string) (*memSource, error) {
	m := &memSource{path: files[0], c: 3, h: cifarSide, w: cifarSide}
	if len(files) > 1 {
		m.path = filepath.Join(filepath.Dir(files[0]), "data_batch_*.bin")
	}
	var fs []*os.File
	defer func() {
		for _, f := range fs {
			f.Close()
		}
	}()
	var total int64
	var counts []int
	for _, p := range files {
		f, fi, err := regfile.Open(p, "a CIFAR-10 batch file")
		if err != nil {
			return nil, fmt.Errorf("data: %v", err)
		}
		fs = append(fs, f)
		m.ident += fileIdent(p, fi)
		if err := checkCIFARSize(p, fi.Size()); err != nil {
			return nil, err
		}
		if total += fi.Size(); total > maxCIFARBytes {
			return nil, fmt.Errorf("data: %s: CIFAR-10 batch files of more than %d MiB in one split", m.path, maxCIFARBytes>>20)
		}
		counts = append(counts, int(fi.Size()/cifarRecord))
	}
	n := int(total / cifarRecord)
	m.labels, m.pixels = make([]int32, n), make([]byte, n*cifarPixels)
	at := 0
	for i, f := range fs {
		k := counts[i]
		r := bufio.NewReaderSize(f, 1<<20)
		if err := readCIFARRecords(files[i], r, m.labels[at:at+k], m.pixels[at*cifarPixels:(at+k)*cifarPixels]); err != nil {
			return nil, err
		}
		at += k
	}
	return m, nil
}

// cifarDir returns the folder holding the batches: path itself or its cifar-10-batches-bin child.
func cifarDir(path string) string {
	if _, err := os.Stat(filepath.Join(path, "cifar-10-batches-bin")); err == nil {
		return filepath.Join(path, "cifar-10-batches-bin")
	}
	return path
}

// openCIFAR opens a CIFAR-10 binary folder: data_batch_*.bin for Train, test_batch.bin for Test.
func openCIFAR(path string) (*Dataset, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("data: %v (%s)", err, layoutsHelp)
	}
	var train []string
	var test string
	if !fi.IsDir() { // one batch file: it is the whole (training) split
		train = []string{path}
	} else {
		dir := cifarDir(path)
		train, _ = filepath.Glob(filepath.Join(dir, "data_batch_*.bin"))
		sort.Strings(train)
		if _, err := os.Stat(filepath.Join(dir, "test_batch.bin")); err == nil {
			test = filepath.Join(dir, "test_batch.bin")
		}
		if len(train) == 0 {
			return nil, fmt.Errorf("data: %s: no data_batch_*.bin files (%s)", path, layoutsHelp)
		}
	}
	d := &Dataset{Channels: 3, Height: cifarSide, Width: cifarSide}
	src, err := loadCIFARFiles(train)
	if err != nil {
		return nil, err
	}
	d.Train = &Split{Name: "train", src: src}
	if test != "" {
		tsrc, err := loadCIFARFiles([]string{test})
		if err != nil {
			return nil, err
		}
		d.Test = &Split{Name: "test", src: tsrc}
	}
	d.Classes = cifarClasses(filepath.Join(filepath.Dir(train[0]), "batches.meta.txt"))
	return d, nil
}

// cifarClasses reads batches.meta.txt (one name a line) when it lists ten names, else the standard ten.
func cifarClasses(meta string) []string {
	b, err := regfile.ReadFile(meta, 1<<20, "a list of class names")
	if err == nil {
		var names []string
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			if s := strings.TrimSpace(sc.Text()); s != "" {
				names = append(names, s)
			}
		}
		if len(names) == len(CIFAR10Classes) {
			return names
		}
	}
	return append([]string(nil), CIFAR10Classes...)
}
