package data

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"strings"
)

// The stats cache is one small file: "AXSTATS\x00" | key [32]byte | C,H,W,Samples u32 |
// ChannelMean, ChannelStd, Cov, EigVal, EigVec float64s | Mean float32s | CRC-32C of all before.
// The key hashes what the statistics depend on, so a changed dataset is recomputed, never misread.

const statsMagic = "AXSTATS\x00"

// statsKey identifies the training split and the sampling the statistics were computed from.
func (d *Dataset) statsKey() [32]byte {
	abs, _ := filepath.Abs(d.Path)
	h := sha256.New()
	fmt.Fprintf(h, "stats v1|%v|%s|%d|%dx%dx%d|%d|%s|", d.Format, abs, d.Train.Len(),
		d.Channels, d.Height, d.Width, d.opts.StatsSamples, d.Train.src.fingerprint())
	for _, i := range d.Train.index {
		fmt.Fprintf(h, "%d,", i)
	}
	var k [32]byte
	copy(k[:], h.Sum(nil))
	return k
}

// statsCachePaths returns where the cache file may live: beside the data (unless under /usr), then
// the cache folder (opts.CacheDir, else $XDG_CACHE_HOME/alexnet or ~/.cache/alexnet) for read-only
// data folders.
func (d *Dataset) statsCachePaths(key [32]byte) []string {
	name := fmt.Sprintf("alexnet-stats-%x.bin", key[:6])
	dir := d.Path
	if !isDir(dir) {
		dir = filepath.Dir(dir)
	}
	var paths []string
	if abs, err := filepath.Abs(dir); err != nil || !strings.HasPrefix(abs, "/usr/") {
		// Packaged data (Debian's /usr/share/datasets) is never written into, even by root.
		paths = append(paths, filepath.Join(dir, name))
	}
	cache := d.opts.CacheDir
	if cache == "" {
		if uc, err := os.UserCacheDir(); err == nil {
			cache = filepath.Join(uc, "alexnet")
		}
	}
	if cache != "" {
		paths = append(paths, filepath.Join(cache, name))
	}
	return paths
}

// loadOrComputeStats reads the first valid cache file, or computes and caches the statistics.
func (d *Dataset) loadOrComputeStats() (*Stats, error) {
	key := d.statsKey()
	paths := d.statsCachePaths(key)
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil {
			if st, err := decodeStats(b, key); err == nil {
				return st, nil
			}
		}
	}
	st, err := ComputeStats(d.Train, d.opts.StatsSamples, d.opts.Workers)
	if err != nil {
		return nil, err
	}
	b := encodeStats(st, key)
	var errs []error
	for _, p := range paths {
		if err := writeFileAtomic(p, b); err != nil {
			errs = append(errs, err)
			continue
		}
		return st, nil
	}
	fmt.Fprintf(d.opts.Warn, "data: warning: statistics not cached (they will be recomputed next time): %v\n", errors.Join(errs...))
	return st, nil
}

// encodeStats serialises st with its key.
func encodeStats(st *Stats, key [32]byte) []byte {
	b := append([]byte(statsMagic), key[:]...)
	for _, v := range []int{st.C, st.H, st.W, st.Samples} {
		b = binary.LittleEndian.AppendUint32(b, uint32(v))
	}
	for _, arr := range [][]float64{st.ChannelMean, st.ChannelStd, st.Cov, st.EigVal, st.EigVec} {
		for _, v := range arr {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
		}
	}
	for _, v := range st.Mean {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

// decodeStats parses a cache file, refusing one whose key, size or checksum does not match.
func decodeStats(b []byte, key [32]byte) (*Stats, error) {
	const head = 8 + 32 + 16
	if len(b) < head+4 || string(b[:8]) != statsMagic || !bytes.Equal(b[8:40], key[:]) {
		return nil, errors.New("not a stats file for this dataset")
	}
	body, sum := b[:len(b)-4], binary.LittleEndian.Uint32(b[len(b)-4:])
	if crc32.Checksum(body, castagnoli) != sum {
		return nil, errors.New("stats file checksum mismatch")
	}
	u := func(i int) int { return int(binary.LittleEndian.Uint32(b[40+4*i:])) }
	st := &Stats{C: u(0), H: u(1), W: u(2), Samples: u(3)}
	c, n := st.C, st.C*st.H*st.W
	if c < 1 || c > 4 || len(body) != head+8*(3*c+2*c*c)+4*n {
		return nil, errors.New("stats file has the wrong size")
	}
	off := head
	f64 := func(k int) []float64 {
		v := make([]float64, k)
		for i := range v {
			v[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[off:]))
			off += 8
		}
		return v
	}
	st.ChannelMean, st.ChannelStd, st.Cov, st.EigVal, st.EigVec = f64(c), f64(c), f64(c*c), f64(c), f64(c*c)
	st.Mean = make([]float32, n)
	for i := range st.Mean {
		st.Mean[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[off:]))
		off += 4
	}
	return st, nil
}

// writeFileAtomic writes b to a temporary file beside path, syncs it and renames it over path.
func writeFileAtomic(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}
