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
	Step                            uint64
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
	Step       uint64 // the net's step when evaluated
	TenCrop    bool
	// Confusion[i][j] counts the test images of class i whose top-1 prediction is j.
	Confusion [][]int
	// Mistakes are the most confidently misclassified images, most confident first (at most
	// MaxMistakes).
	Mistakes []Mistake
}

// Mistake is one misclassified test image: its index in the test split, its true class, the
// predicted one and that prediction's probability.
type Mistake struct {
	Index       int
	Label, Pred int
	Prob        float64
}

// MaxMistakes is how many misclassified images an evaluation keeps for its gallery.
const MaxMistakes = 16

// PerClass returns each class's accuracy (its diagonal share of the confusion matrix; NaN for a
// class with no test images) and image count.
func (r *EvalResult) PerClass() (acc []float64, images []int) {
	acc, images = make([]float64, len(r.Confusion)), make([]int, len(r.Confusion))
	for i, row := range r.Confusion {
		for _, c := range row {
			images[i] += c
		}
		acc[i] = math.NaN()
		if images[i] > 0 {
			acc[i] = float64(row[i]) / float64(images[i])
		}
	}
	return acc, images
}

// keepMistake inserts m into the list of the most confident mistakes, bounded by MaxMistakes.
func (r *EvalResult) keepMistake(m Mistake) {
	if len(r.Mistakes) == MaxMistakes && m.Prob <= r.Mistakes[MaxMistakes-1].Prob {
		return
	}
	i := sort.Search(len(r.Mistakes), func(i int) bool { return r.Mistakes[i].Prob < m.Prob })
	r.Mistakes = append(r.Mistakes, Mistake{})
	copy(r.Mistakes[i+1:], r.Mistakes[i:])
	r.Mistakes[i] = m
	if len(r.Mistakes) > MaxMistakes {
		r.Mistakes = r.Mistakes[:MaxMistakes]
	}
}

// Evaluate runs the test split (at most limit images, 0 = all) through the net without dropout,
// centre crop or — with tenCrop — the softmax averaged over the paper's 10 crops.
func (t *Trainer) Evaluate(limit int, tenCrop bool) (EvalResult, error) {
	if t.Data.Test == nil {
		return EvalResult{}, fmt.Errorf("%s has no test split to evaluate on (see --holdout)", t.Data.Path)
	}
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
	classes := t.Arch.Classes
	r := EvalResult{Step: t.Net.Step, TenCrop: tenCrop, Confusion: make([][]int, classes)}
	for i := range r.Confusion {
		r.Confusion[i] = make([]int, classes)
	}
	total := t.Data.Test.Len()
	if limit > 0 {
		total = min(total, limit)
	}
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
			label := int(b.Labels[i])
			loss, top1, top5 := scoreProbs(p, label)
			r.Loss += loss
			r.Top1 += top1
			r.Top5 += top5
			pred := argmax(p)
			if label >= 0 && label < classes {
				r.Confusion[label][pred]++
			}
			if pred != label {
				r.keepMistake(Mistake{Index: b.Index[i], Label: label, Pred: pred, Prob: p[pred]})
			}
		}
		r.Images += n
		if t.Hooks.Evaluating != nil {
			t.Hooks.Evaluating(t, r.Images, total)
		}
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

// argmax returns the index of the largest probability (the lowest index among equals, as
// scoreProbs ranks ties).
func argmax(p []float64) int {
	best := 0
	for j, v := range p {
		if v > p[best] {
			best = j
		}
	}
	return best
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
	if t.Data.Test == nil {
		return t.recordTrainOnly(win)
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
	t.logf("eval at step %d (epoch %.2f): test loss %.4f, top-1 %.2f%%, top-5 %.2f%% on %d images%s%s",
		m.Step, m.Epoch, m.ValLoss, 100*m.ValTop1, 100*m.ValTop5, r.Images, tenCropNote(t.Cfg.TenCrop), worstAndBest(&r, t.Data.Classes))
	if err := t.explain(&r); err != nil {
		return err
	}
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

// explain writes what explains an evaluation (WriteEvaluation) and refreshes report.html.
func (t *Trainer) explain(r *EvalResult) error {
	pics, err := WriteEvaluation(t.Cfg.Out, r, t.Data.Classes, t.Data.Test, true)
	if err != nil {
		return err
	}
	t.out.eval, t.out.evalPics = r, pics
	if t.out.hist != nil {
		if err := t.out.hist.flush(); err != nil {
			return fmt.Errorf("--out %s: history.csv: %v", t.Cfg.Out, err)
		}
	}
	if err := t.WriteReport(false); err != nil { // a picture that fails is no reason to stop training
		t.logf("warning: report.html: %v", err)
	}
	return nil
}

func tenCropNote(on bool) string {
	if on {
		return " (10-crop)"
	}
	return ""
}
