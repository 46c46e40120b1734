package data

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
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

// decodeCIFAR parses one CIFAR-10 batch file's bytes into labels and HWC pixels; name is for errors.
func decodeCIFAR(name string, b []byte) (labels []int32, pixels []byte, err error) {
	if len(b) == 0 {
		return nil, nil, fmt.Errorf("data: %s: empty CIFAR-10 batch file", name)
	}
	if len(b)%cifarRecord != 0 {
		return nil, nil, fmt.Errorf("data: %s: %d bytes is not a whole number of %d-byte CIFAR-10 records (truncated or not CIFAR-10)",
			name, len(b), cifarRecord)
	}
	n := len(b) / cifarRecord
	labels = make([]int32, n)
	pixels = make([]byte, n*cifarPixels)
	const plane = cifarSide * cifarSide
	for i := 0; i < n; i++ {
		rec := b[i*cifarRecord : (i+1)*cifarRecord]
		if rec[0] >= byte(len(CIFAR10Classes)) {
			return nil, nil, fmt.Errorf("data: %s: record %d has label %d, CIFAR-10 labels are 0..9 (is this CIFAR-100?)",
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
	return labels, pixels, nil
}

// loadCIFARFiles concatenates several batch files into one memSource.
func loadCIFARFiles(files []string) (*memSource, error) {
	m := &memSource{path: files[0], c: 3, h: cifarSide, w: cifarSide, files: files}
	if len(files) > 1 {
		m.path = filepath.Join(filepath.Dir(files[0]), "data_batch_*.bin")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("data: %v", err)
		}
		l, p, err := decodeCIFAR(f, b)
		if err != nil {
			return nil, err
		}
		m.labels = append(m.labels, l...)
		m.pixels = append(m.pixels, p...)
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
	b, err := os.ReadFile(meta)
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
