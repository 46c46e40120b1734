package main

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/alexnet-vk/alexnet/data"
	"github.com/alexnet-vk/alexnet/train"
)

// prepFor returns the preprocessing an architecture was trained with: torchvision's for alexnet-tv,
// the paper's for alexnet (256 square, centre 227, mean subtraction in 0..255 units), and resizing
// to the input with per-channel standardisation for alexnet-small (as cmd/train's loader). The
// statistics come from the checkpoint's dataset when it can be opened; otherwise ImageNet's are
// used and stderr says so.
func prepFor(a train.Arch, st *train.State, stderr io.Writer) *prep {
	p := &prep{side: 256, crop: a.In.H, channels: a.In.C, scale: 1}
	switch {
	case strings.HasPrefix(a.Name, "alexnet-tv"):
		p.scale = 1.0 / 255
		for c := 0; c < p.channels; c++ {
			m, s := imageNetMoments(c, p.channels)
			p.mean[c], p.invStd[c] = float32(m), float32(1/s)
		}
		p.desc = fmt.Sprintf("shorter side 256, centre %d, ImageNet mean/std on [0,1]", p.crop)
		return p
	case a.Name == "alexnet":
		stats := checkpointStats(st, stderr)
		p.invStd = [3]float32{1, 1, 1}
		switch {
		case stats != nil && stats.H == p.side && stats.W == p.side && stats.C == p.channels:
			p.meanImg = stats.Mean
			p.desc = "shorter side 256, centre 227, minus the training set's mean image (" + st.Data + ")"
		case stats != nil:
			for c := 0; c < p.channels; c++ {
				m, _ := statsMoments(stats, c, p.channels)
				p.mean[c] = float32(m)
			}
			p.desc = "shorter side 256, centre 227, minus the training set's per-channel mean (" + st.Data + ")"
		default:
			for c := 0; c < p.channels; c++ {
				m, _ := imageNetMoments(c, p.channels)
				p.mean[c] = float32(255 * m)
			}
			p.desc = "shorter side 256, centre 227, minus ImageNet's per-channel mean ×255 (no training mean image at hand)"
		}
		return p
	}
	p.side = a.In.H
	stats := checkpointStats(st, stderr)
	for c := 0; c < p.channels; c++ {
		if stats != nil {
			m, v := statsMoments(stats, c, p.channels)
			p.mean[c], p.invStd[c] = float32(m), float32(1/math.Sqrt(max(v, 1e-6)))
		} else {
			m, s := imageNetMoments(c, p.channels)
			p.mean[c], p.invStd[c] = float32(255*m), float32(1/(255*s))
		}
	}
	if stats != nil {
		p.desc = fmt.Sprintf("resized to %d×%d, per-channel mean/std of %s", p.side, p.side, st.Data)
	} else {
		p.desc = fmt.Sprintf("resized to %d×%d, ImageNet's mean/std (the training set's statistics are not at hand)", p.side, p.side)
	}
	return p
}

// checkpointStats opens the dataset a checkpoint was trained on and returns its pixel statistics
// (cached beside the data by cmd/train), or nil with a warning when it cannot.
func checkpointStats(st *train.State, stderr io.Writer) *data.Stats {
	if st == nil || st.Data == "" {
		return nil
	}
	ds, err := data.Open(st.Data, data.OpenOptions{Warn: stderr})
	if err == nil {
		defer ds.Close()
		var s *data.Stats
		if s, err = ds.Stats(); err == nil {
			return s
		}
	}
	fmt.Fprintf(stderr, "classify: warning: the statistics of the training data %s are not at hand (%v); normalising with ImageNet's instead\n", st.Data, err)
	return nil
}

// imageNetMoments returns torchvision's ImageNet mean and std of output channel c on [0,1] pixels:
// the luma-weighted values for a one-channel net, as the data loader.
func imageNetMoments(c, channels int) (mean, std float64) {
	if channels == 3 {
		return data.ImageNetMean[c], data.ImageNetStd[c]
	}
	for k := 0; k < 3; k++ {
		mean += float64(lumaWeights[k]) * data.ImageNetMean[k]
		std += float64(lumaWeights[k]) * data.ImageNetStd[k]
	}
	return mean, std
}

// statsMoments returns the mean and variance (0..255 units) of output channel c from a dataset's
// statistics: the channel itself, or the luma w·x with variance wᵀ·Cov·w for a grey net on RGB data.
func statsMoments(s *data.Stats, c, channels int) (mean, variance float64) {
	if s.C == channels || s.C == 1 {
		k := min(c, s.C-1)
		return s.ChannelMean[k], s.Cov[k*s.C+k]
	}
	for a := 0; a < 3; a++ {
		mean += float64(lumaWeights[a]) * s.ChannelMean[a]
		for b := 0; b < 3; b++ {
			variance += float64(lumaWeights[a]) * float64(lumaWeights[b]) * s.Cov[a*3+b]
		}
	}
	return mean, variance
}
