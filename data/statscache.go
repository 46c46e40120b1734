package data

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/alexnet-vk/alexnet/internal/regfile"
)

// The stats cache is one small file: "AXSTATS\x00" | key [32]byte | C,H,W,Samples u32 |
// ChannelMean, ChannelStd, Cov, EigVal, EigVec float64s | Mean float32s | CRC-32C of all before.
// The key hashes what the statistics depend on, so a changed dataset is recomputed, never misread:
// the format, the dataset's absolute path, the training split's size, sample shape and sampling,
// and its files' names, sizes and modification times (not their contents, which would mean reading
// the whole dataset on every start). The file lives in the user's cache folder, never in the dataset.

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

// statsCachePath returns the cache file for key: in opts.CacheDir, else $XDG_CACHE_HOME/alexnet or
// ~/.cache/alexnet (os.UserCacheDir), never beside the data. It is "" when there is no cache folder.
func (d *Dataset) statsCachePath(key [32]byte) string {
	dir := d.opts.CacheDir
	if dir == "" {
		uc, err := os.UserCacheDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(uc, "alexnet")
	}
	return filepath.Join(dir, fmt.Sprintf("alexnet-stats-%x.bin", key[:8]))
}

// maxStatsBytes bounds a cache file: 3×1024×1024 mean values and a few dozen more.
const maxStatsBytes = 64 << 20

// loadOrComputeStats reads the cache file when it is valid for this dataset, or computes the
// statistics and caches them.
func (d *Dataset) loadOrComputeStats() (*Stats, error) {
	key := d.statsKey()
	p := d.statsCachePath(key)
	if p != "" {
		if b, err := regfile.ReadFile(p, maxStatsBytes, "a statistics cache file"); err == nil {
			if st, err := decodeStats(b, key); err == nil {
				return st, nil
			}
		}
	}
	st, err := ComputeStats(d.Train, d.opts.StatsSamples, d.opts.Workers)
	if err != nil {
		return nil, err
	}
	if p == "" {
		fmt.Fprintf(d.opts.Warn, "data: warning: no user cache folder ($XDG_CACHE_HOME or $HOME unset); statistics not cached, they will be recomputed next time\n")
		return st, nil
	}
	if err := writeFileAtomic(p, encodeStats(st, key)); err != nil {
		fmt.Fprintf(d.opts.Warn, "data: warning: statistics not cached (they will be recomputed next time): %v\n", err)
	}
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

// writeFileAtomic writes b to a temporary file beside path, syncs it and renames it over path. The
// file is created with mode 0666 less the umask (0644 for most users), as os.Create makes files.
func writeFileAtomic(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	var f *os.File
	var err error
	for range 100 {
		tmp := fmt.Sprintf("%s.tmp-%d-%d", path, os.Getpid(), rand.Uint32())
		if f, err = os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666); !errors.Is(err, os.ErrExist) {
			break
		}
	}
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
