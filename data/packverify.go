package data

import (
	"bufio"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/alexnet-vk/alexnet/internal/regfile"
)

// verifyShard reads the shard at path whole and checks it is one of m's: a valid header and trailer
// of m's shape and classes, every image's checksum, and, when want is set (the manifest recorded
// the shard), the size and CRC-32C of the whole file. It returns the shard's image count and sum.
func verifyShard(path string, m *shardManifest, want *shardSum) (int, shardSum, error) {
	f, fi, err := regfile.Open(path, "a cmd/prep shard")
	if err != nil {
		return 0, shardSum{}, err
	}
	defer f.Close()
	h, err := readShardHeader(path, f, fi.Size())
	if err != nil {
		return 0, shardSum{}, err
	}
	if h.h != m.Size || h.w != m.Size || h.c != 3 || !slices.Equal(h.classes, m.Classes) {
		return 0, shardSum{}, fmt.Errorf("%s: shape %dx%dx%d or classes differ from the manifest's", path, h.h, h.w, h.c)
	}
	// One pass over the file: the header, each image (checked against its own checksum), the trailer,
	// all into the whole file's checksum.
	r := bufio.NewReaderSize(io.NewSectionReader(f, 0, fi.Size()), 1<<20)
	whole := &sumWriter{w: io.Discard}
	buf := make([]byte, max(int(h.dataOff), h.imageSize()))
	if _, err := io.ReadFull(r, buf[:h.dataOff]); err != nil {
		return 0, shardSum{}, fmt.Errorf("%s: %v", path, err)
	}
	whole.Write(buf[:h.dataOff])
	for i := range h.labels {
		img := buf[:h.imageSize()]
		if _, err := io.ReadFull(r, img); err != nil {
			return 0, shardSum{}, fmt.Errorf("%s: reading image %d: %v", path, i, err)
		}
		if crc32.Checksum(img, castagnoli) != h.crcs[i] {
			return 0, shardSum{}, fmt.Errorf("%s: image %d fails its checksum", path, i)
		}
		whole.Write(img)
	}
	if _, err := io.Copy(whole, r); err != nil {
		return 0, shardSum{}, fmt.Errorf("%s: %v", path, err)
	}
	got := shardSum{Bytes: whole.n, CRC32C: fmt.Sprintf("%08x", whole.crc)}
	if want != nil && got != *want {
		return 0, shardSum{}, fmt.Errorf("%s: %d bytes with CRC-32C %s, but the manifest recorded %d bytes with %s",
			path, got.Bytes, got.CRC32C, want.Bytes, want.CRC32C)
	}
	return len(h.labels), got, nil
}

// keptShard is what verifying one shard an earlier run left found.
type keptShard struct {
	exists bool
	n      int
	sum    shardSum
	err    error
}

// verifyKept checks, on workers goroutines, every shard of m already in dir.
func verifyKept(dir string, m *shardManifest, workers int) []keptShard {
	kept := make([]keptShard, m.Shards)
	var wg sync.WaitGroup
	next := make(chan int)
	for range max(1, workers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range next {
				name := shardFileName(k)
				p := filepath.Join(dir, name)
				if _, err := os.Lstat(p); err != nil {
					continue
				}
				var want *shardSum
				if s, ok := m.Sums[name]; ok {
					want = &s
				}
				n, sum, err := verifyShard(p, m, want)
				kept[k] = keptShard{exists: true, n: n, sum: sum, err: err}
			}
		}()
	}
	for k := range m.Shards {
		next <- k
	}
	close(next)
	wg.Wait()
	return kept
}
