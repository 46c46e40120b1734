// Package hostile builds hostile input files for tests (decompression bombs, files whose headers
// claim huge sizes, special files) and runs a command in a child process to measure its time and
// peak memory. Only tests import it; it never runs in the commands.
package hostile

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/crc32"
	"io"
)

// zeroChunk is the block of zeros DeflateZeros compresses once and repeats.
const zeroChunk = 1 << 20

// deflatedZeros returns a raw DEFLATE stream of n zero bytes as non-final blocks ending on a byte
// boundary (a sync flush), compressed from a fresh history, so the stream can be repeated: its back
// references never reach before its own start.
func deflatedZeros(n int) []byte {
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.BestCompression)
	fw.Write(make([]byte, n))
	fw.Flush()
	return buf.Bytes()
}

// finalEmptyBlock is a final fixed-Huffman block holding only its end-of-block code: BFINAL=1,
// BTYPE=01, then the 7 zero bits of code 256.
var finalEmptyBlock = []byte{0x03, 0x00}

// DeflateZeros writes a raw DEFLATE stream that inflates to n zero bytes and returns the bytes it
// wrote. It costs about n/1000 bytes and no time worth measuring, which is how a 4 MB file comes to
// hold 4 GiB.
func DeflateZeros(w io.Writer, n int64) (int64, error) {
	var written int64
	put := func(b []byte) error {
		k, err := w.Write(b)
		written += int64(k)
		return err
	}
	if full := n / zeroChunk; full > 0 {
		chunk := deflatedZeros(zeroChunk)
		for i := int64(0); i < full; i++ {
			if err := put(chunk); err != nil {
				return written, err
			}
		}
	}
	if rest := n % zeroChunk; rest > 0 {
		if err := put(deflatedZeros(int(rest))); err != nil {
			return written, err
		}
	}
	return written, put(finalEmptyBlock)
}

// CRC32Zeros returns the IEEE CRC-32 (as zip and gzip record it) of prefix followed by n zero bytes.
func CRC32Zeros(prefix []byte, n int64) uint32 {
	c := crc32.Update(0, crc32.IEEETable, prefix)
	z := make([]byte, zeroChunk)
	for n > 0 {
		k := min(n, zeroChunk)
		c = crc32.Update(c, crc32.IEEETable, z[:k])
		n -= k
	}
	return c
}

// GzipZeros writes a gzip member whose content is head followed by n zero bytes.
func GzipZeros(w io.Writer, head []byte, n int64) error {
	// RFC 1952: magic, CM=8 (deflate), no flags, no mtime, XFL 0, OS 255 (unknown).
	if _, err := w.Write([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}); err != nil {
		return err
	}
	var stored bytes.Buffer
	// The head goes in a stored block (BFINAL=0, BTYPE=00), byte-aligned like the zero chunks.
	stored.WriteByte(0)
	stored.Write(binary.LittleEndian.AppendUint16(nil, uint16(len(head))))
	stored.Write(binary.LittleEndian.AppendUint16(nil, ^uint16(len(head))))
	stored.Write(head)
	if _, err := w.Write(stored.Bytes()); err != nil {
		return err
	}
	if _, err := DeflateZeros(w, n); err != nil {
		return err
	}
	crc := CRC32Zeros(head, n)
	var tail [8]byte
	binary.LittleEndian.PutUint32(tail[:], crc)
	binary.LittleEndian.PutUint32(tail[4:], uint32(int64(len(head))+n))
	_, err := w.Write(tail[:])
	return err
}
