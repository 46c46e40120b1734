package data

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"strings"
)

// A shard file holds n uint8 images of one shape with their labels, written by cmd/prep:
//
//	header  "AXSHARD\x00" | version u32 | height u32 | width u32 | channels u32 | classes u32 |
//	        namesLen u32 | class names joined by '\n' (namesLen bytes)
//	images  n × height·width·channels bytes, HWC
//	trailer labels n×u32 | pixelCRC n×u32 | n u32 | CRC-32C of header and trailer so far u32 |
//	        "AXSHEND\x00"
//
// All integers little-endian; pixelCRC[i] is the CRC-32C of image i. The trailer is written last,
// so the writer streams images with one image in memory, and a file cut short anywhere fails the
// exact-size check or the trailer's magic: a reader never accepts a half-written shard.

const (
	shardMagic    = "AXSHARD\x00"
	shardEndMagic = "AXSHEND\x00"
	shardVersion  = 1
	shardFixed    = 8 + 6*4 // magic and the six u32 fields before the names
	shardTail     = 4 + 4 + 8
	shardMaxSide  = 1 << 14
	shardMaxNames = 1 << 22
	shardMaxCount = 1 << 20 // images in one shard: its labels and checksums are held in memory (8 bytes each)
)

// splitMaxCount bounds the images of all the shards of one split (256 MiB of labels and checksums);
// a variable so that a test can lower it.
var splitMaxCount = 1 << 25

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// shardHeader is what a shard's header and trailer say, checked against the file's size.
type shardHeader struct {
	h, w, c int
	classes []string
	labels  []int32
	crcs    []uint32
	dataOff int64 // offset of image 0
}

// imageSize returns the bytes of one image.
func (s *shardHeader) imageSize() int { return s.h * s.w * s.c }

// shardWriter streams images into a new shard file.
type shardWriter struct {
	f      *os.File
	bw     *bufio.Writer
	whole  *sumWriter // the file's size and CRC-32C, for the manifest
	crc    uint32     // running CRC-32C of the header, later extended over the trailer
	size   int
	labels []int32
	crcs   []uint32
}

// encodeShardHeader returns the header bytes for the shape and class names.
func encodeShardHeader(h, w, c int, classes []string) []byte {
	names := strings.Join(classes, "\n")
	b := make([]byte, shardFixed, shardFixed+len(names))
	copy(b, shardMagic)
	for i, v := range []int{shardVersion, h, w, c, len(classes), len(names)} {
		binary.LittleEndian.PutUint32(b[8+4*i:], uint32(v))
	}
	return append(b, names...)
}

// createShard starts a shard at path (which should be a temporary name; see finish).
func createShard(path string, h, w, c int, classes []string) (*shardWriter, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	sw := &shardWriter{f: f, whole: &sumWriter{w: f}, size: h * w * c}
	sw.bw = bufio.NewWriterSize(sw.whole, 1<<20)
	head := encodeShardHeader(h, w, c, classes)
	sw.crc = crc32.Update(0, castagnoli, head)
	if _, err := sw.bw.Write(head); err != nil {
		f.Close()
		return nil, err
	}
	return sw, nil
}

// add appends one image (HWC, h·w·c bytes) with its label.
func (sw *shardWriter) add(label int32, pix []byte) error {
	if len(pix) != sw.size {
		panic(fmt.Sprintf("data: shardWriter.add: image has %d bytes, want %d", len(pix), sw.size))
	}
	sw.labels = append(sw.labels, label)
	sw.crcs = append(sw.crcs, crc32.Checksum(pix, castagnoli))
	_, err := sw.bw.Write(pix)
	return err
}

// finish writes the trailer, syncs and closes the file, then renames it to final, so that final
// either does not exist or is a complete shard.
func (sw *shardWriter) finish(final string) error {
	n := len(sw.labels)
	tr := make([]byte, 8*n+4)
	for i := range sw.labels {
		binary.LittleEndian.PutUint32(tr[4*i:], uint32(sw.labels[i]))
		binary.LittleEndian.PutUint32(tr[4*n+4*i:], sw.crcs[i])
	}
	binary.LittleEndian.PutUint32(tr[8*n:], uint32(n))
	crc := crc32.Update(sw.crc, castagnoli, tr)
	tr = binary.LittleEndian.AppendUint32(tr, crc)
	tr = append(tr, shardEndMagic...)
	_, err := sw.bw.Write(tr)
	if err == nil {
		err = sw.bw.Flush()
	}
	if err == nil {
		err = sw.f.Sync()
	}
	if cerr := sw.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(sw.f.Name(), final)
	}
	return err
}

// sum returns the size and checksum of the file that finish wrote.
func (sw *shardWriter) sum() shardSum {
	return shardSum{Bytes: sw.whole.n, CRC32C: fmt.Sprintf("%08x", sw.whole.crc)}
}

// sumWriter passes bytes on to w, counting them and keeping their CRC-32C.
type sumWriter struct {
	w   io.Writer
	n   int64
	crc uint32
}

func (s *sumWriter) Write(p []byte) (int, error) {
	n, err := s.w.Write(p)
	s.n += int64(n)
	s.crc = crc32.Update(s.crc, castagnoli, p[:n])
	return n, err
}

// abort closes and removes an unfinished shard.
func (sw *shardWriter) abort() {
	sw.f.Close()
	os.Remove(sw.f.Name())
}

// readShardHeader checks a shard's header, trailer and size and returns its table of contents;
// name is used in errors. Image checksums are checked later, per image, by readShardImage.
func readShardHeader(name string, r io.ReaderAt, size int64) (*shardHeader, error) {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("data: %s: not a valid shard: %s", name, fmt.Sprintf(format, a...))
	}
	fixed := make([]byte, shardFixed)
	if _, err := r.ReadAt(fixed, 0); err != nil {
		return nil, bad("truncated header (%d bytes)", size)
	}
	if string(fixed[:8]) != shardMagic {
		return nil, bad("magic %q, want %q", fixed[:8], shardMagic)
	}
	var v [6]int
	for i := range v {
		v[i] = int(binary.LittleEndian.Uint32(fixed[8+4*i:]))
	}
	ver, h, w, c, nc, nl := v[0], v[1], v[2], v[3], v[4], v[5]
	switch {
	case ver != shardVersion:
		return nil, bad("version %d, this reader knows %d", ver, shardVersion)
	case h < 1 || w < 1 || h > shardMaxSide || w > shardMaxSide || (c != 1 && c != 3):
		return nil, bad("image shape %dx%dx%d", h, w, c)
	case nc < 1 || nl > shardMaxNames:
		return nil, bad("%d classes in %d bytes of names", nc, nl)
	}
	head := make([]byte, shardFixed+nl)
	copy(head, fixed)
	if _, err := r.ReadAt(head[shardFixed:], shardFixed); err != nil {
		return nil, bad("truncated class names")
	}
	classes := strings.Split(string(head[shardFixed:]), "\n")
	if len(classes) != nc {
		return nil, bad("header says %d classes, names list %d", nc, len(classes))
	}
	var tail [shardTail]byte
	if size < int64(len(head))+shardTail {
		return nil, bad("truncated: %d bytes", size)
	}
	if _, err := r.ReadAt(tail[:], size-shardTail); err != nil {
		return nil, bad("reading trailer: %v", err)
	}
	if string(tail[8:]) != shardEndMagic {
		return nil, bad("no end marker (an interrupted write?)")
	}
	n := int64(binary.LittleEndian.Uint32(tail[:4]))
	imgSize := int64(h * w * c)
	if n > shardMaxCount {
		return nil, bad("%d images, more than the %d a shard may hold", n, shardMaxCount)
	}
	if int64(len(head))+n*(imgSize+8)+shardTail != size {
		return nil, bad("%d images of %dx%dx%d do not fit the file's %d bytes", n, h, w, c, size)
	}
	dataOff := int64(len(head))
	tr := make([]byte, 8*n+4)
	if _, err := r.ReadAt(tr, dataOff+n*imgSize); err != nil {
		return nil, bad("reading labels: %v", err)
	}
	crc := crc32.Update(crc32.Checksum(head, castagnoli), castagnoli, tr)
	if crc != binary.LittleEndian.Uint32(tail[4:8]) {
		return nil, bad("header checksum mismatch")
	}
	s := &shardHeader{h: h, w: w, c: c, classes: classes, dataOff: dataOff,
		labels: make([]int32, n), crcs: make([]uint32, n)}
	for i := range s.labels {
		l := binary.LittleEndian.Uint32(tr[4*i:])
		if l >= uint32(nc) {
			return nil, bad("image %d has label %d of %d classes", i, l, nc)
		}
		s.labels[i] = int32(l)
		s.crcs[i] = binary.LittleEndian.Uint32(tr[4*n+4*int64(i):])
	}
	return s, nil
}

// readShardImage reads image i of a shard into dst and checks its CRC.
func readShardImage(name string, r io.ReaderAt, s *shardHeader, i int, dst []byte) error {
	sz := s.imageSize()
	if _, err := r.ReadAt(dst[:sz], s.dataOff+int64(i)*int64(sz)); err != nil {
		return fmt.Errorf("data: %s: reading image %d: %v", name, i, err)
	}
	if crc32.Checksum(dst[:sz], castagnoli) != s.crcs[i] {
		return fmt.Errorf("data: %s: image %d fails its checksum (the file is damaged; rerun cmd/prep)", name, i)
	}
	return nil
}

// decodeShard parses a whole shard held in memory and checks every image, for tests and fuzzing.
func decodeShard(name string, b []byte) (*shardHeader, error) {
	r := bytes.NewReader(b)
	s, err := readShardHeader(name, r, int64(len(b)))
	if err != nil {
		return nil, err
	}
	buf := make([]byte, s.imageSize())
	for i := range s.labels {
		if err := readShardImage(name, r, s, i, buf); err != nil {
			return nil, err
		}
	}
	return s, nil
}
