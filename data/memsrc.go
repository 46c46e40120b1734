package data

import (
	"fmt"
	"io/fs"
)

// memSource holds a whole split in memory (IDX, CIFAR-10): n images of c×h×w uint8 HWC pixels.
type memSource struct {
	path    string // file the pixels came from, for messages
	pixels  []byte // n·h·w·c, HWC per image
	labels  []int32
	c, h, w int
	ident   string // the files that make up the split, as fileIdent gives them when read
}

func (m *memSource) len() int            { return len(m.labels) }
func (m *memSource) label(i int) int32   { return m.labels[i] }
func (m *memSource) name(i int) string   { return fmt.Sprintf("%s[%d]", m.path, i) }
func (m *memSource) close() error        { return nil }
func (m *memSource) fingerprint() string { return m.ident }

func (m *memSource) image(i int, dst []byte) error {
	sz := m.c * m.h * m.w
	copy(dst, m.pixels[i*sz:(i+1)*sz])
	return nil
}

// fileIdent describes one file by name, size and modification time, from the FileInfo of the
// open file that was read, for the statistics cache key.
func fileIdent(name string, fi fs.FileInfo) string {
	return fmt.Sprintf("%s:%d:%d;", name, fi.Size(), fi.ModTime().UnixNano())
}
