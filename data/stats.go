package data

import (
	"errors"
	"fmt"
	"math"
	"sync"
)

// Stats are the training set's pixel statistics that normalisation and colour noise need, in raw
// pixel units (0..255) of the native channels.
type Stats struct {
	C, H, W     int       // native sample shape
	Samples     int       // images the statistics were computed from
	Mean        []float32 // per-pixel mean image, C×H×W (CHW): the paper's §2 "mean activity"
	ChannelMean []float64 // mean of each channel over all pixels, len C
	ChannelStd  []float64 // standard deviation of each channel over all pixels, len C
	Cov         []float64 // C×C covariance of a pixel's channel values, row-major
	// EigVal and EigVec are the eigen-decomposition of the covariance of pixels scaled to [0,1]
	// (Cov/255²), EigVal descending, EigVec[k*C+j] = component k of eigenvector j: the p_i and λ_i
	// of the paper's PCA colour noise (§4.1).
	EigVal []float64
	EigVec []float64
}

// statsIndices returns k indices spread evenly over [0, n) (all of them when k >= n).
func statsIndices(n, k int) []int {
	k = min(k, n)
	idx := make([]int, k)
	for i := range idx {
		idx[i] = int(int64(i) * int64(n) / int64(k))
	}
	return idx
}

// statsAcc holds exact integer sums: pixel values ≤ 255 and their products ≤ 65025 summed over
// fewer than 2^32 pixels fit uint64, so merging workers' partial sums in any order gives the same
// result (floating-point sums would depend on the worker count).
type statsAcc struct {
	img   []uint64 // Σ x at each HWC position
	ch    []uint64 // Σ x per channel
	outer []uint64 // Σ x_a·x_b per channel pair
	n     int      // images accumulated
}

// add accumulates one HWC image.
func (a *statsAcc) add(pix []byte, c int) {
	for i, v := range pix {
		a.img[i] += uint64(v)
	}
	for p := 0; p < len(pix); p += c {
		for ka := 0; ka < c; ka++ {
			xa := uint64(pix[p+ka])
			a.ch[ka] += xa
			for kb := 0; kb < c; kb++ {
				a.outer[ka*c+kb] += xa * uint64(pix[p+kb])
			}
		}
	}
	a.n++
}

// ComputeStats computes the statistics of up to samples images of split s, evenly spaced, with
// workers goroutines. Unreadable images are skipped and named in one warning (OpenOptions.Warn).
func ComputeStats(s *Split, samples, workers int) (*Stats, error) {
	d := s.ds
	c, h, w := d.Channels, d.Height, d.Width
	idx := statsIndices(s.Len(), samples)
	workers = max(1, min(workers, len(idx)))
	accs := make([]*statsAcc, workers)
	errs := make([]error, workers)
	var skipped skipList
	var wg sync.WaitGroup
	for wi := 0; wi < workers; wi++ {
		acc := &statsAcc{img: make([]uint64, c*h*w), ch: make([]uint64, c), outer: make([]uint64, c*c)}
		accs[wi] = acc
		wg.Add(1)
		go func(wi int) {
			defer wg.Done()
			pix := make([]byte, c*h*w)
			for j := wi; j < len(idx); j += workers {
				if err := s.Image(idx[j], pix); err != nil {
					if errors.Is(err, ErrBadImage) {
						skipped.add(s.SampleName(idx[j]), err.Error())
						continue
					}
					errs[wi] = err
					return
				}
				acc.add(pix, c)
			}
		}(wi)
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	skipped.flush(d.opts.Warn, "unreadable images while computing statistics")
	total := accs[0]
	for _, a := range accs[1:] {
		for i := range total.img {
			total.img[i] += a.img[i]
		}
		for i := range total.ch {
			total.ch[i] += a.ch[i]
		}
		for i := range total.outer {
			total.outer[i] += a.outer[i]
		}
		total.n += a.n
	}
	if total.n == 0 {
		return nil, fmt.Errorf("data: %s: no readable images to compute statistics from", d.Path)
	}
	return statsFromSums(total, c, h, w), nil
}

// statsFromSums turns exact sums into means, covariance and its eigen-decomposition.
func statsFromSums(a *statsAcc, c, h, w int) *Stats {
	st := &Stats{C: c, H: h, W: w, Samples: a.n, Mean: make([]float32, c*h*w),
		ChannelMean: make([]float64, c), ChannelStd: make([]float64, c), Cov: make([]float64, c*c)}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			for k := 0; k < c; k++ { // HWC sums → CHW mean
				st.Mean[(k*h+y)*w+x] = float32(float64(a.img[(y*w+x)*c+k]) / float64(a.n))
			}
		}
	}
	np := float64(a.n) * float64(h*w)
	for k := range st.ChannelMean {
		st.ChannelMean[k] = float64(a.ch[k]) / np
	}
	for ka := 0; ka < c; ka++ { // Cov_ab = E[x_a x_b] − E[x_a]·E[x_b]
		for kb := 0; kb < c; kb++ {
			st.Cov[ka*c+kb] = float64(a.outer[ka*c+kb])/np - st.ChannelMean[ka]*st.ChannelMean[kb]
		}
		st.ChannelStd[ka] = math.Sqrt(max(st.Cov[ka*c+ka], 0))
	}
	scaled := make([]float64, c*c)
	for i, v := range st.Cov {
		scaled[i] = v / (255 * 255)
	}
	st.EigVal, st.EigVec = symEigen(scaled, c)
	return st
}

// Stats returns the training split's statistics: from memory, else from the cache file, else
// computed (see ComputeStats) and written to the cache (see statsCachePaths).
func (d *Dataset) Stats() (*Stats, error) {
	d.statsOnce.Do(func() { d.stats, d.statsErr = d.loadOrComputeStats() })
	return d.stats, d.statsErr
}
