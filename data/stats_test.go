package data

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSymEigen(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cases := [][]float64{
		{4},
		{2, 0, 0, 0, 5, 0, 0, 0, 1},       // diagonal
		{1, 1, 1, 1, 1, 1, 1, 1, 1},       // rank 1, repeated zero eigenvalue
		{3, 2.9, 0, 2.9, 3, 0, 0, 0, 3.1}, // close eigenvalues
	}
	for i := 0; i < 20; i++ { // random symmetric 3×3
		a := make([]float64, 9)
		for p := 0; p < 3; p++ {
			for q := p; q < 3; q++ {
				a[p*3+q] = r.NormFloat64()
				a[q*3+p] = a[p*3+q]
			}
		}
		cases = append(cases, a)
	}
	for ci, a := range cases {
		n := int(math.Sqrt(float64(len(a))))
		vals, vecs := symEigen(a, n)
		for j := 0; j < n; j++ {
			if j > 0 && vals[j] > vals[j-1] {
				t.Fatalf("case %d: eigenvalues %v not descending", ci, vals)
			}
			for k := 0; k < n; k++ { // (A·v_j)_k = λ_j·v_jk
				av := 0.0
				for m := 0; m < n; m++ {
					av += a[k*n+m] * vecs[m*n+j]
				}
				if math.Abs(av-vals[j]*vecs[k*n+j]) > 1e-9 {
					t.Fatalf("case %d: A·v%d differs from λv in row %d: %g vs %g", ci, j, k, av, vals[j]*vecs[k*n+j])
				}
			}
			for j2 := 0; j2 < n; j2++ { // orthonormal
				dot := 0.0
				for k := 0; k < n; k++ {
					dot += vecs[k*n+j] * vecs[k*n+j2]
				}
				if want := map[bool]float64{true: 1, false: 0}[j == j2]; math.Abs(dot-want) > 1e-9 {
					t.Fatalf("case %d: v%d·v%d = %g", ci, j, j2, dot)
				}
			}
		}
	}
}

// naiveStats computes the mean image, channel means and covariance by direct two-pass float sums.
func naiveStats(t *testing.T, s *Split) (mean []float64, chMean, cov []float64) {
	d := s.Dataset()
	c, hw := d.Channels, d.Height*d.Width
	mean, chMean, cov = make([]float64, c*hw), make([]float64, c), make([]float64, c*c)
	pix := make([]byte, c*hw)
	var all [][]byte
	for i := 0; i < s.Len(); i++ {
		if err := s.Image(i, pix); err != nil {
			t.Fatal(err)
		}
		all = append(all, append([]byte{}, pix...))
		for p := 0; p < hw; p++ {
			for k := 0; k < c; k++ {
				mean[k*hw+p] += float64(pix[p*c+k]) / float64(s.Len())
				chMean[k] += float64(pix[p*c+k]) / float64(s.Len()*hw)
			}
		}
	}
	for _, img := range all {
		for p := 0; p < hw; p++ {
			for a := 0; a < c; a++ {
				for b := 0; b < c; b++ {
					cov[a*c+b] += (float64(img[p*c+a]) - chMean[a]) * (float64(img[p*c+b]) - chMean[b]) / float64(s.Len()*hw)
				}
			}
		}
	}
	return mean, chMean, cov
}

func TestComputeStats(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "data_batch_1.bin", cifarBytes(9, 0))
	d, err := Open(dir, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mean, chMean, cov := naiveStats(t, d.Train)
	var first *Stats
	for _, workers := range []int{1, 2, 5} {
		st, err := ComputeStats(d.Train, 1000, workers)
		if err != nil {
			t.Fatal(err)
		}
		for i := range mean {
			if math.Abs(float64(st.Mean[i])-mean[i]) > 1e-3 {
				t.Fatalf("mean image [%d] = %g, want %g", i, st.Mean[i], mean[i])
			}
		}
		for i := range cov {
			if math.Abs(st.Cov[i]-cov[i]) > 1e-6*math.Abs(cov[i])+1e-6 {
				t.Fatalf("cov[%d] = %g, want %g", i, st.Cov[i], cov[i])
			}
		}
		for k := range chMean {
			if math.Abs(st.ChannelMean[k]-chMean[k]) > 1e-9 || math.Abs(st.ChannelStd[k]-math.Sqrt(cov[k*3+k])) > 1e-6 {
				t.Fatalf("channel %d: mean %g std %g, want %g and %g", k, st.ChannelMean[k], st.ChannelStd[k], chMean[k], math.Sqrt(cov[k*3+k]))
			}
		}
		if first == nil {
			first = st
		} else if !statsEqual(first, st) {
			t.Fatalf("%d workers give different statistics than 1", workers)
		}
	}
	if idx := statsIndices(10, 4); len(idx) != 4 || idx[0] != 0 || idx[3] != 7 {
		t.Fatalf("statsIndices(10, 4) = %v, want 4 spread indices from 0", idx)
	}
}

// statsEqual compares two Stats exactly.
func statsEqual(a, b *Stats) bool {
	return string(encodeStats(a, [32]byte{})) == string(encodeStats(b, [32]byte{}))
}

// The statistics cache lives in the user's cache folder, keyed by the dataset's identity, and
// nothing is written into the dataset folder.
func TestStatsCache(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "data_batch_1.bin", cifarBytes(6, 0))
	cache := t.TempDir()
	d, err := Open(dir, OpenOptions{CacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	st, err := d.Stats()
	if err != nil {
		t.Fatal(err)
	}
	p := d.statsCachePath(d.statsKey())
	if filepath.Dir(p) != cache {
		t.Fatalf("cache file %s is not in the cache folder %s", p, cache)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("no cache file in the cache folder: %v", err)
	}
	if len(b) > 64<<10 {
		t.Fatalf("cache file is %d bytes, want a small file", len(b))
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("the dataset folder holds %d entries after Stats, want only its batch file", len(ents))
	}
	// A second Open reads the file: poison it with a valid file of other statistics to see it used.
	other := *st
	other.Samples = 12345
	if err := os.WriteFile(p, encodeStats(&other, d.statsKey()), 0o644); err != nil {
		t.Fatal(err)
	}
	d2, _ := Open(dir, OpenOptions{CacheDir: cache})
	if st2, err := d2.Stats(); err != nil || st2.Samples != 12345 {
		t.Fatalf("second open did not read the cache: %v", err)
	}
	// A corrupt cache file is recomputed, not trusted.
	os.WriteFile(p, b[:len(b)-3], 0o644)
	d3, _ := Open(dir, OpenOptions{CacheDir: cache})
	if st3, err := d3.Stats(); err != nil || !statsEqual(st3, st) {
		t.Fatalf("corrupt cache: %v", err)
	}
	// A cache file that cannot be written (a folder sits at its name) is a warning, not a failure.
	os.Remove(p)
	os.MkdirAll(filepath.Join(p, "blocker"), 0o755)
	warn := &syncBuffer{}
	d4, _ := Open(dir, OpenOptions{CacheDir: cache, Warn: warn})
	if st4, err := d4.Stats(); err != nil || !statsEqual(st4, st) || !strings.Contains(warn.String(), "not cached") {
		t.Fatalf("unwritable cache: %v, warned %q", err, warn.String())
	}
	os.RemoveAll(p)
	// A changed dataset (same size, another modification time) gets a different key.
	writeFile(t, dir, "data_batch_1.bin", cifarBytes(6, 1))
	os.Chtimes(filepath.Join(dir, "data_batch_1.bin"), time.Unix(1, 0), time.Unix(1, 0))
	d5, _ := Open(dir, OpenOptions{CacheDir: cache})
	if d5.statsKey() == d.statsKey() {
		t.Fatal("changing the data did not change the cache key")
	}
}

// Without CacheDir the cache goes to $XDG_CACHE_HOME/alexnet (or ~/.cache/alexnet); with neither
// variable set, nothing is cached and nothing is written anywhere.
func TestStatsCacheXDG(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "data_batch_1.bin", cifarBytes(4, 0))
	xdg := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", xdg)
	d, err := Open(dir, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Stats(); err != nil {
		t.Fatal(err)
	}
	if m, _ := filepath.Glob(filepath.Join(xdg, "alexnet", "alexnet-stats-*.bin")); len(m) != 1 {
		t.Fatalf("cache files in $XDG_CACHE_HOME/alexnet: %v, want one", m)
	}
	home := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", "")
	t.Setenv("HOME", home)
	d, _ = Open(dir, OpenOptions{})
	if _, err := d.Stats(); err != nil {
		t.Fatal(err)
	}
	if m, _ := filepath.Glob(filepath.Join(home, ".cache", "alexnet", "alexnet-stats-*.bin")); len(m) != 1 {
		t.Fatalf("cache files in ~/.cache/alexnet: %v, want one", m)
	}
	t.Setenv("HOME", "")
	warn := &syncBuffer{}
	d, _ = Open(dir, OpenOptions{Warn: warn})
	if _, err := d.Stats(); err != nil || !strings.Contains(warn.String(), "not cached") {
		t.Fatalf("no cache folder: %v, warned %q", err, warn.String())
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("the dataset folder holds %d entries, want only its batch file", len(ents))
	}
}
