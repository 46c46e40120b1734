package data

import (
	"fmt"
	"os"
)

// memSource holds a whole split in memory (IDX, CIFAR-10): n images of c×h×w uint8 HWC pixels.
type memSource struct {
	path    string // file the pixels came from, for messages
	pixels  []byte // n·h·w·c, HWC per image
	labels  []int32
	c, h, w int
	files   []string // files that make up the split, for the cache fingerprint
}

func (m *memSource) len() int            { return len(m.labels) }
func (m *memSource) label(i int) int32   { return m.labels[i] }
func (m *memSource) name(i int) string   { return fmt.Sprintf("%s[%d]", m.path, i) }
func (m *memSource) close() error        { return nil }
func (m *memSource) fingerprint() string { return filesFingerprint(m.files) }

func (m *memSource) image(i int, dst []byte) error {
	sz := m.c * m.h * m.w
	copy(dst, m.pixels[i*sz:(i+1)*sz])
	return nil
}

// filesFingerprint describes a list of files by name, size and modification time.
func filesFingerprint(files []string) string {
	s := ""
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil {
			s += fmt.Sprintf("%s:%d:%d;", f, fi.Size(), fi.ModTime().UnixNano())
		} else {
			s += f + ":?;"
		}
	}
	return s
}
