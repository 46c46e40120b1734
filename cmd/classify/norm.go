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
// statistics come from the checkpoint (State.Norm), or from its dataset where the checkpoint
// predates them or the mean image is wanted; failing both, ImageNet's are used and stderr says so.
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
		norm := recordedNorm(st, p.channels)
		stats := checkpointStats(st, norm == nil, stderr)
		p.invStd = [3]float32{1, 1, 1}
		switch {
		case stats != nil && stats.H == p.side && stats.W == p.side && stats.C == p.channels:
			p.meanImg = stats.Mean
			p.desc = "shorter side 256, centre 227, minus the training set's mean image (" + st.Data + ")"
		case stats != nil:
			for c := 0; c < p.channels; c++ {
				m, _ := data.ChannelMoments(stats, c, p.channels)
				p.mean[c] = float32(m)
			}
			p.desc = "shorter side 256, centre 227, minus the training set's per-channel mean (" + st.Data + ")"
		case norm != nil:
			for c := 0; c < p.channels; c++ {
				p.mean[c] = float32(norm.ChannelMean[c])
			}
			p.desc = "shorter side 256, centre 227, minus the training set's per-channel mean recorded in the checkpoint (its mean image is not at hand)"
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
	if norm := recordedNorm(st, p.channels); norm != nil {
		for c := 0; c < p.channels; c++ {
			p.mean[c], p.invStd[c] = float32(norm.ChannelMean[c]), float32(1/math.Sqrt(max(norm.ChannelVar[c], 1e-6)))
		}
		p.desc = fmt.Sprintf("resized to %d×%d, per-channel mean/std of %s (recorded in the checkpoint)", p.side, p.side, st.Data)
		return p
	}
	stats := checkpointStats(st, true, stderr)
	for c := 0; c < p.channels; c++ {
		if stats != nil {
			m, v := data.ChannelMoments(stats, c, p.channels)
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

// recordedNorm returns the per-channel statistics a checkpoint recorded for its training inputs
// (State.Norm), or nil where it has none usable for a net of channels input channels.
func recordedNorm(st *train.State, channels int) *train.InputNorm {
	if st == nil || st.Norm == nil || len(st.Norm.ChannelMean) != channels || len(st.Norm.ChannelVar) != channels {
		return nil
	}
	return st.Norm
}

// checkpointStats opens the dataset a checkpoint was trained on and returns its pixel statistics
// (cached beside the data by cmd/train), or nil when it cannot: with a warning when warn is set
// (nothing else is at hand), quietly otherwise.
func checkpointStats(st *train.State, warn bool, stderr io.Writer) *data.Stats {
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
	if warn {
		fmt.Fprintf(stderr, "classify: warning: the statistics of the training data %s are not at hand (%v); normalising with ImageNet's instead\n", st.Data, err)
	}
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
