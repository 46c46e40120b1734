package data

import (
	"fmt"
	"math"
	"runtime"
)

// LoaderConfig configures a Loader. The zero value of each field is a usable default except
// BatchSize; crops and channels default to the native ones.
type LoaderConfig struct {
	BatchSize int // images per batch (required)
	Channels  int // output channels, 1 or 3 (grey↔RGB converted); 0 = native
	Crop      int // output height = width: the model's input (227, 224, 32, 28…); 0 = native side
	Resize    int // first resize the native image to Resize×Resize (bilinear); 0 = keep native size
	Pad       int // zero border around the (resized) image before cropping: CIFAR's pad-4 random crop

	Train      bool    // shuffle each epoch and take random crops; false: dataset order, eval crops
	CentreCrop bool    // Train: take the centre crop instead of a random one (no augmentation)
	Flip       bool    // Train: mirror left-right with probability 1/2
	ColorNoise float64 // Train: σ of the PCA colour noise's α_i (the paper's 0.1); 0 = off
	TenCrop    bool    // eval: 10 crops per image (see Batch) instead of the centre crop

	Norm  Norm   // normalisation (default NormMeanImage, the paper's)
	Stats *Stats // training statistics; nil = the split's Dataset().Stats(), when Norm or ColorNoise need them

	KeepLast   bool   // keep the last, partial batch of an epoch (eval); false drops it (training)
	Workers    int    // goroutines assembling batches; 0 = GOMAXPROCS
	Prefetch   int    // batches being built or ready ahead of the consumer; 0 = max(2, Workers)
	Seed       uint64 // all randomness (order, crops, flips, noise) is a function of (Seed, epoch, sample)
	StartEpoch int    // first epoch to produce (to resume a run)
	StartBatch int    // first batch within StartEpoch (to resume a run)
	Epochs     int    // epochs to produce from StartEpoch; 0 = without end

	// Part of Parts (0 ≤ Part < Parts; Parts 0 or 1 = the whole batch): build only the images at
	// positions [Part·n/Parts, (Part+1)·n/Parts) of each batch of n, one rank's share in data-parallel
	// training. Order, crops and noise are those of the whole batch (they depend on the sample's
	// position in the epoch, not on the part), so the parts of all ranks make up the batch exactly.
	Part, Parts int
}

// buildPipeline validates cfg against the split and precomputes the per-pixel transform.
func buildPipeline(s *Split, cfg *LoaderConfig) (*pipeline, error) {
	d := s.ds
	p := &pipeline{cn: d.Channels, h: d.Height, w: d.Width, co: cfg.Channels, crop: cfg.Crop, pad: cfg.Pad}
	if cfg.BatchSize < 1 {
		return nil, fmt.Errorf("data: loader: batch size %d, want at least 1", cfg.BatchSize)
	}
	if cfg.Parts > cfg.BatchSize || cfg.Part < 0 || (cfg.Parts > 1 && cfg.Part >= cfg.Parts) || (cfg.Parts <= 1 && cfg.Part != 0) {
		return nil, fmt.Errorf("data: loader: part %d of %d of batches of %d, want 0 ≤ part < parts ≤ batch size", cfg.Part, cfg.Parts, cfg.BatchSize)
	}
	if p.co == 0 {
		p.co = p.cn
	}
	if p.co != 1 && p.co != 3 {
		return nil, fmt.Errorf("data: loader: %d output channels, want 1 or 3", p.co)
	}
	if cfg.Resize > 0 {
		p.h, p.w = cfg.Resize, cfg.Resize
	}
	if p.crop == 0 {
		p.crop = min(p.h, p.w)
	}
	if cfg.Pad < 0 || p.crop > p.h+2*cfg.Pad || p.crop > p.w+2*cfg.Pad {
		return nil, fmt.Errorf("data: loader: crop %d does not fit %s's %dx%d images with padding %d (set Resize or Pad)",
			p.crop, d.Path, p.h, p.w, cfg.Pad)
	}
	if cfg.ColorNoise < 0 || math.IsNaN(cfg.ColorNoise) {
		return nil, fmt.Errorf("data: loader: colour noise σ %g, want ≥ 0", cfg.ColorNoise)
	}
	st := cfg.Stats
	needStats := cfg.Norm == NormMeanImage || cfg.Norm == NormChannel || (cfg.Train && cfg.ColorNoise > 0)
	if needStats && st == nil {
		var err error
		if st, err = d.Stats(); err != nil {
			return nil, err
		}
	}
	if st != nil && (st.C != d.Channels || st.H != d.Height || st.W != d.Width) {
		return nil, fmt.Errorf("data: loader: statistics are for %dx%dx%d images, %s has %dx%dx%d",
			st.C, st.H, st.W, d.Path, d.Channels, d.Height, d.Width)
	}
	if cfg.Train && cfg.ColorNoise > 0 {
		p.noiseSigma, p.eig, p.eigVal = cfg.ColorNoise, st.EigVec, st.EigVal
	}
	p.scale = 1
	for c := range p.chInvStd {
		p.chInvStd[c] = 1
	}
	switch cfg.Norm {
	case NormMeanImage:
		p.meanImg = meanImageOut(st, p.co, p.h, p.w)
	case NormChannel:
		for c := 0; c < p.co; c++ {
			m, v := ChannelMoments(st, c, p.co)
			p.chMean[c], p.chInvStd[c] = float32(m), float32(1/math.Sqrt(max(v, 1e-6)))
		}
	case NormImageNet:
		p.scale = 1.0 / 255
		for c := 0; c < p.co; c++ {
			m, sd := ImageNetMean[c], ImageNetStd[c]
			if p.co == 1 { // grey output: the luma-weighted constants
				m = lumaWeights[0]*ImageNetMean[0] + lumaWeights[1]*ImageNetMean[1] + lumaWeights[2]*ImageNetMean[2]
				sd = lumaWeights[0]*ImageNetStd[0] + lumaWeights[1]*ImageNetStd[1] + lumaWeights[2]*ImageNetStd[2]
			}
			p.chMean[c], p.chInvStd[c] = float32(m), float32(1/sd)
		}
	case NormNone:
		p.scale = 1.0 / 255
	default:
		return nil, fmt.Errorf("data: loader: unknown normalisation %v", cfg.Norm)
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	if cfg.Prefetch <= 0 {
		cfg.Prefetch = max(2, cfg.Workers)
	}
	return p, nil
}

// ChannelMoments returns the mean and variance (0..255 units) of output channel c of co given native
// statistics: the native channel itself, or for grey output from RGB the luma w·x with variance
// wᵀ·Cov·w.
func ChannelMoments(st *Stats, c, co int) (mean, variance float64) {
	if st.C == co || st.C == 1 {
		k := min(c, st.C-1)
		return st.ChannelMean[k], st.Cov[k*st.C+k]
	}
	for a := 0; a < 3; a++ {
		mean += lumaWeights[a] * st.ChannelMean[a]
		for b := 0; b < 3; b++ {
			variance += lumaWeights[a] * lumaWeights[b] * st.Cov[a*3+b]
		}
	}
	return mean, variance
}

// meanImageOut converts the native mean image into output channels and the (resized) size.
func meanImageOut(st *Stats, co, h, w int) []float32 {
	m := st.Mean
	if st.H != h || st.W != w {
		r := make([]float32, st.C*h*w)
		resizeBilinearCHW(r, h, w, m, st.C, st.H, st.W)
		m = r
	}
	plane := h * w
	out := make([]float32, co*plane)
	for c := 0; c < co; c++ {
		switch {
		case st.C == co:
			copy(out[c*plane:], m[c*plane:(c+1)*plane])
		case st.C == 1:
			copy(out[c*plane:], m[:plane])
		default: // the luma of the mean is the mean of the luma: conversion is linear
			for i := 0; i < plane; i++ {
				out[i] = float32(lumaWeights[0])*m[i] + float32(lumaWeights[1])*m[plane+i] + float32(lumaWeights[2])*m[2*plane+i]
			}
		}
	}
	return out
}
