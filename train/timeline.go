package train

import (
	"fmt"
	"image"
	"path/filepath"

	"github.com/alexnet-vk/alexnet/viz"
	"github.com/alexnet-vk/alexnet/weights"
)

// timelineFrames is how many frames of conv1 a run keeps for its filter timeline, besides the
// first (its initialisation, or where a resumed run's record starts).
const timelineFrames = 16

// timelineFile holds the frames in the run directory, so a resumed run's timeline starts at step 0.
const timelineFile = "conv1-frames.safetensors"

// timeline records conv1's weights at evenly spaced steps of a run, for the filter timeline and
// the change since initialisation.
type timeline struct {
	path       string
	every      uint64 // steps between frames
	steps      []int
	frames     [][]float32
	k, c, r, s int
	groups     int
}

// startTimeline loads the frames a resumed run kept (up to its step) and records the current
// weights as the first frame when there is none.
func (t *Trainer) startTimeline(total int) (*timeline, error) {
	n := t.Net
	tl := &timeline{path: t.OutPath(timelineFile), every: uint64(max(1, total/timelineFrames)), groups: n.Arch.Layers[firstConv(n.Arch)].Groups}
	for _, p := range n.Params {
		if p.Layer == firstConv(n.Arch) && !p.IsBias {
			tl.k, tl.c, tl.r, tl.s = p.Shape[0], p.Shape[1], p.Shape[2], p.Shape[3]
		}
	}
	if t.Cfg.Resume != "" {
		if ts, _, err := weights.ReadSafetensors(tl.path); err == nil {
			for _, x := range ts {
				var step int
				if _, err := fmt.Sscanf(x.Name, "step-%d", &step); err == nil && step <= int(t.State.Step) && len(x.Data) == tl.k*tl.c*tl.r*tl.s {
					tl.steps, tl.frames = append(tl.steps, step), append(tl.frames, x.Data)
				}
			}
		}
	}
	if len(tl.steps) == 0 {
		if err := tl.capture(t); err != nil {
			return nil, err
		}
	}
	return tl, nil
}

// due reports whether a frame is due at step.
func (tl *timeline) due(step uint64) bool {
	return step%tl.every == 0 && (len(tl.steps) == 0 || tl.steps[len(tl.steps)-1] != int(step))
}

// capture downloads conv1's weights as a frame at the net's step and saves the frames; past
// 2·timelineFrames+1 frames every other interior frame is dropped, so the record stays bounded
// and evenly spread.
func (tl *timeline) capture(t *Trainer) error {
	w, err := t.Net.paramData(0, false)
	if err != nil {
		return err
	}
	tl.steps, tl.frames = append(tl.steps, int(t.Net.Step)), append(tl.frames, w)
	if len(tl.steps) > 2*timelineFrames+1 {
		var s []int
		var f [][]float32
		for i := range tl.steps {
			if i == 0 || i%2 == 1 || i == len(tl.steps)-1 {
				s, f = append(s, tl.steps[i]), append(f, tl.frames[i])
			}
		}
		tl.steps, tl.frames = s, f
	}
	ts := make([]weights.Tensor, len(tl.steps))
	for i := range ts {
		ts[i] = weights.Tensor{Name: fmt.Sprintf("step-%08d", tl.steps[i]), Shape: []int{tl.k, tl.c, tl.r, tl.s}, Data: tl.frames[i]}
	}
	return weights.WriteSafetensors(tl.path, ts, map[string]string{"what": "conv1 weights of this run at several steps (the filter timeline)"})
}

// first returns the first frame (the initialisation), or nil.
func (tl *timeline) first() []float32 {
	if tl == nil || len(tl.frames) == 0 {
		return nil
	}
	return tl.frames[0]
}

// render draws the timeline.
func (tl *timeline) render() *image.RGBA {
	return viz.FilterTimeline(tl.frames, tl.steps, tl.k, tl.c, tl.r, tl.s, tl.groups, viz.TimelineOptions{})
}

// writeTimeline writes filters-timeline.png.
func (tl *timeline) write(dir string) error {
	return viz.SavePNG(filepath.Join(dir, "filters-timeline.png"), tl.render())
}
