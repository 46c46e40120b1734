package train

import (
	"fmt"
	"io"
	"math"
	"sort"

	"github.com/alexnet-vk/alexnet/data"
)

// Metrics is one row of metrics.csv: the training window since the previous evaluation and the
// evaluation on the test split.
type Metrics struct {
	Step                            uint32
	Epoch                           float64 // epochs done, fractional
	LR                              float64
	TrainLoss, TrainTop1, TrainTop5 float64 // over the window; accuracies in [0, 1]
	ValLoss, ValTop1, ValTop5       float64
	ImgPerSec                       float64 // training throughput over the window
	ValImages                       int
}

// EvalResult sums an evaluation.
type EvalResult struct {
	Loss       float64 // mean cross-entropy of the (crop-averaged) softmax
	Top1, Top5 float64 // accuracies in [0, 1]
	Images     int
}

// Evaluate runs the test split (at most limit images, 0 = all) through the net without dropout,
// centre crop or — with tenCrop — the softmax averaged over the paper's 10 crops.
func (t *Trainer) Evaluate(limit int, tenCrop bool) (EvalResult, error) {
	lc := t.loaderCfg
	lc.Train, lc.TenCrop, lc.KeepLast, lc.Flip, lc.ColorNoise, lc.Pad = false, tenCrop, true, false, 0, 0
	lc.BatchSize = max(1, t.Net.Micro)
	if tenCrop {
		lc.BatchSize = max(1, t.Net.Micro/10)
	}
	lc.Epochs = 1
	l, err := data.NewLoader(t.Data.Test, lc)
	if err != nil {
		return EvalResult{}, err
	}
	defer l.Close()
	var r EvalResult
	classes := t.Arch.Classes
	for limit == 0 || r.Images < limit {
		b, err := l.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return r, err
		}
		crops := max(1, b.Crops)
		logits, err := t.Net.Logits(b.X, b.N*crops)
		if err != nil {
			return r, err
		}
		n := b.N
		if limit > 0 {
			n = min(n, limit-r.Images)
		}
		for i := 0; i < n; i++ {
			p := AverageSoftmax(logits[i*crops*classes:(i+1)*crops*classes], crops, classes)
			loss, top1, top5 := scoreProbs(p, int(b.Labels[i]))
			r.Loss += loss
			r.Top1 += top1
			r.Top5 += top5
		}
		r.Images += n
	}
	if r.Images == 0 {
		return r, fmt.Errorf("the test split of %s is empty", t.Data.Path)
	}
	r.Loss /= float64(r.Images)
	r.Top1 /= float64(r.Images)
	r.Top5 /= float64(r.Images)
	return r, nil
}

// AverageSoftmax returns the mean over crops of softmax(logits of each crop), computed stably in
// float64. logits is crops×classes.
func AverageSoftmax(logits []float32, crops, classes int) []float64 {
	p := make([]float64, classes)
	for c := 0; c < crops; c++ {
		row := logits[c*classes : (c+1)*classes]
		m := math.Inf(-1)
		for _, v := range row {
			m = math.Max(m, float64(v))
		}
		sum := 0.0
		for _, v := range row {
			sum += math.Exp(float64(v) - m)
		}
		for j, v := range row {
			p[j] += math.Exp(float64(v)-m) / sum / float64(crops)
		}
	}
	return p
}

// scoreProbs returns −log p[label] and whether the label is top-1 / top-5 (ties ranked as the
// device ranks them: larger first, then lower class index).
func scoreProbs(p []float64, label int) (loss, top1, top5 float64) {
	loss = -math.Log(math.Max(p[label], 1e-30))
	rank := 0
	for j, v := range p {
		if v > p[label] || (v == p[label] && j < label) {
			rank++
		}
	}
	if rank < 1 {
		top1 = 1
	}
	if rank < 5 {
		top5 = 1
	}
	return
}

// TopK returns the indices of the k largest probabilities, largest first.
func TopK(p []float64, k int) []int {
	idx := make([]int, len(p))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]] > p[idx[b]] })
	return idx[:min(k, len(idx))]
}

// evaluate runs an evaluation, records a metrics row, updates the paper schedule and calls the hook.
func (t *Trainer) evaluate(win *window) error {
	if !t.Net.IsRoot() { // rank 0 evaluates; its learning rate reaches the others with each step
		return nil
	}
	r, err := t.Evaluate(t.Cfg.EvalLimit, t.Cfg.TenCrop)
	if err != nil {
		return err
	}
	m := Metrics{Step: t.State.Step, LR: t.State.LR, ValLoss: r.Loss, ValTop1: r.Top1, ValTop5: r.Top5, ValImages: r.Images}
	perEpoch := float64(t.Data.Train.Len() / t.Cfg.Batch)
	m.Epoch = float64(t.State.Step) / math.Max(perEpoch, 1)
	if win != nil {
		m.TrainLoss, m.TrainTop1, m.TrainTop5, m.ImgPerSec = win.means()
		win.reset()
	}
	t.Metrics = append(t.Metrics, m)
	if err := t.out.writeMetrics(m); err != nil {
		return err
	}
	t.logf("eval at step %d (epoch %.2f): test loss %.4f, top-1 %.2f%%, top-5 %.2f%% on %d images%s",
		m.Step, m.Epoch, m.ValLoss, 100*m.ValTop1, 100*m.ValTop5, r.Images, tenCropNote(t.Cfg.TenCrop))
	if t.sched.kind == "paper" {
		if e := 1 - r.Top1; e < t.State.BestErr-1e-9 {
			t.State.BestErr, t.State.BadEvals = e, 0
		} else if t.State.BadEvals++; t.State.BadEvals >= t.Cfg.Patience && t.State.Drops < 3 {
			t.State.LR /= 10
			t.State.Drops++
			t.State.BadEvals = 0
			t.Net.SetHyper(t.State.LR, t.Cfg.Momentum, t.Cfg.WeightDecay)
			t.logf("validation error stopped improving: learning rate divided by 10 to %g (%d of 3)", t.State.LR, t.State.Drops)
		}
	}
	if t.Hooks.Eval != nil {
		t.Hooks.Eval(t, m)
	}
	return nil
}

func tenCropNote(on bool) string {
	if on {
		return " (10-crop)"
	}
	return ""
}
