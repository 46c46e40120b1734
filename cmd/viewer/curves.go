package main

import (
	"github.com/alexnet-vk/alexnet/train"
	"github.com/alexnet-vk/alexnet/viz"
)

// liveCurves records the training loss and top-1 accuracy of every step, smoothed, so the curves
// move from the first step instead of waiting for the first evaluation.
type liveCurves struct {
	loss, top1 viz.Series
	eLoss      float64 // exponential moving averages, bias-corrected by n
	eTop1      float64
	n          int
}

// smoothing is the weight of the past in the moving averages (about 10 steps of memory).
const smoothing = 0.9

func (l *liveCurves) add(step uint32, st train.StepStats) {
	if st.N == 0 {
		return
	}
	l.n++
	l.eLoss = smoothing*l.eLoss + (1-smoothing)*st.Loss/float64(st.N)
	l.eTop1 = smoothing*l.eTop1 + (1-smoothing)*float64(st.Top1)/float64(st.N)
	corr := 1 - pow(smoothing, l.n)
	l.loss.Step, l.loss.Value = append(l.loss.Step, int(step)), append(l.loss.Value, l.eLoss/corr)
	l.top1.Step, l.top1.Value = append(l.top1.Step, int(step)), append(l.top1.Value, l.eTop1/corr)
}

func pow(x float64, n int) float64 {
	p := 1.0
	for i := 0; i < n && p > 1e-12; i++ {
		p *= x
	}
	return p
}

// series returns the live training curves and the test curves of the evaluations (from the
// trainer's series, whose training curves are replaced by the live ones when there are any).
func (l *liveCurves) series(evals []viz.Series) []viz.Series {
	if l.n == 0 {
		return evals
	}
	l.loss.Name, l.loss.Metric = "train", viz.Loss
	l.top1.Name, l.top1.Metric = "train", viz.Accuracy
	out := []viz.Series{l.loss}
	for _, s := range evals {
		if s.Name != "train" && s.Metric == viz.Loss {
			out = append(out, s)
		}
	}
	out = append(out, l.top1)
	for _, s := range evals {
		if s.Name != "train" && s.Metric == viz.Accuracy {
			out = append(out, s)
		}
	}
	return out
}
