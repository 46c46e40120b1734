package hostile

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"syscall"
)

// FIFO makes a named pipe at dir/name with no writer: opening it for reading blocks forever.
func FIFO(dir, name string) (string, error) {
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return "", err
	}
	return p, syscall.Mkfifo(p, 0o644)
}

// DevZeroLink makes dir/name a symbolic link to /dev/zero, an endless character device.
func DevZeroLink(dir, name string) (string, error) {
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return "", err
	}
	return p, os.Symlink("/dev/zero", p)
}

// PNGZeros writes a valid PNG of w×h pixels, all zero, at path: colour type 6 (RGBA) with
// bitDepth 8 or 16, non-interlaced. A 10240² 16-bit one is 0.8 MB on disk and 800 MiB decoded.
func PNGZeros(path string, w, h, bitDepth int) error {
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		out.Write(binary.BigEndian.AppendUint32(nil, uint32(len(data))))
		c := crc32.NewIEEE()
		c.Write([]byte(typ))
		c.Write(data)
		out.WriteString(typ)
		out.Write(data)
		out.Write(binary.BigEndian.AppendUint32(nil, c.Sum32()))
	}
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
	ihdr = append(ihdr, byte(bitDepth), 6, 0, 0, 0)
	chunk("IHDR", ihdr)
	// The image data is a zlib stream of h rows, each a filter byte (0) and w·4·bitDepth/8 samples,
	// all zero: zlib header (deflate, 32K window, no dictionary), the deflate stream, Adler-32.
	n := int64(h) * (1 + int64(w)*4*int64(bitDepth)/8)
	var z bytes.Buffer
	z.Write([]byte{0x78, 0x01})
	if _, err := DeflateZeros(&z, n); err != nil {
		return err
	}
	// Adler-32 of n zeros: a stays 1, b adds a once per byte.
	z.Write(binary.BigEndian.AppendUint32(nil, uint32(n%65521)<<16|1))
	chunk("IDAT", z.Bytes())
	chunk("IEND", nil)
	return os.WriteFile(path, out.Bytes(), 0o644)
}
