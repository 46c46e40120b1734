package train

import (
	"encoding/json"
	"fmt"
	"image"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/alexnet-vk/alexnet/viz"
)

// reportRefresh is how often an open report.html reloads itself while its run goes on.
const reportRefresh = 30

// WriteReport writes the run directory's report.html: one self-contained page (viz.Report) with
// the curves, the filter timeline, the probe's activations at every conv layer, the latest
// evaluation's confusion matrix, per-class accuracy and most confident mistakes, every evaluation's
// figures, and the run's settings. Until final it reloads itself every 30 seconds.
func (t *Trainer) WriteReport(final bool) error {
	var figs []viz.Figure
	add := func(id, title, caption string, img image.Image) error {
		if img == nil {
			return nil
		}
		f, err := viz.NewFigure(id, title, caption, img)
		if err == nil {
			figs = append(figs, f)
		}
		return err
	}
	step := t.State.Step
	curves := viz.Titled(viz.Curves(t.Series(), viz.CurveOptions{Width: 1100, Height: 320}),
		fmt.Sprintf("%s at step %d: training curves from history.csv, test points from metrics.csv", t.Arch.Name, step))
	if err := add("curves", "curves", "Training loss and top-1 per logged step (faint) and smoothed; test loss and top-1 at each evaluation (squares); learning rate.", curves); err != nil {
		return err
	}
	var perClass *viz.Table
	if r, pics := t.LastEvaluation(); r != nil {
		when := fmt.Sprintf("the evaluation at step %d", r.Step)
		if err := add("confusion", "confusion matrix", "Rows are true classes, columns predictions; "+when+".", pics.Confusion); err != nil {
			return err
		}
		if err := add("mistakes", "most confident mistakes", "The misclassified test images the net was surest of; "+when+".", pics.Mistakes); err != nil {
			return err
		}
		tb := perClassTable(r, t.Data.Classes)
		perClass = &tb
	}
	if t.out != nil && t.out.tl != nil {
		if err := add("timeline", "filter timeline", "conv1's filters at evenly spaced steps, and how far each has moved since the first frame.", t.out.tl.render()); err != nil {
			return err
		}
	}
	s, err := t.Snapshot()
	if err != nil {
		return err
	}
	if err := add("filters", "conv1 filters", "Each filter on its own scale around zero (grey filters: blue negative, white zero, red positive; colour filters: mid grey is zero).",
		viz.FilterMosaic(s.Filters, s.K, s.C, s.R, s.S, s.Groups, viz.MosaicOptions{Title: fmt.Sprintf("conv1 filters at step %d", s.Step), Bar: true})); err != nil {
		return err
	}
	if err := add("probe", "probe", "A test image and the net's top-5 for it.", probePanel(s)); err != nil {
		return err
	}
	for _, a := range s.Acts {
		if err := add("act-"+a.Layer, "activations "+a.Layer, "The probe's response at "+a.Layer+" after its ReLU, one tile per channel, on one scale for the layer.",
			activationPanel(s, a)); err != nil {
			return err
		}
	}
	var tables []viz.Table
	if perClass != nil {
		tables = append(tables, *perClass)
	}
	tables = append(tables, metricsTable(t.Metrics))
	rep := viz.Report{Title: fmt.Sprintf("%s on %s: %s", t.Arch.Name, t.Data.Path, t.Cfg.Out), Summary: t.reportSummary(),
		Figures: figs, Tables: tables, Settings: configKVs(t.Cfg),
		Footer: "Written by cmd/train at " + time.Now().Format("2006-01-02 15:04:05") + ". Self-contained: it loads nothing from anywhere."}
	rep.Subtitle = t.progress() + ": " + map[bool]string{true: "run ended", false: "training (this page reloads every 30 s)"}[final]
	if !final {
		rep.Refresh = reportRefresh
	}
	return viz.WriteReport(t.OutPath("report.html"), rep)
}

func (t *Trainer) reportSummary() []viz.KV {
	test := "no test images (not evaluated)"
	if s := t.Data.Test; s != nil {
		test = fmt.Sprintf("%d %s images", s.Len(), s.Name) // "holdout" when held out of the training images
	}
	kv := []viz.KV{{Key: "architecture", Value: fmt.Sprintf("%s, %d parameters", t.Arch.Name, t.Arch.ParamCount())},
		{Key: "data", Value: fmt.Sprintf("%s: %d training, %s, %d classes", t.Data.Path, t.Data.Train.Len(), test, len(t.Data.Classes))},
		{Key: "step", Value: t.progress()}}
	if n := len(t.Metrics); n > 0 {
		m := t.Metrics[n-1]
		if !math.IsNaN(m.ValLoss) { // NaN: a run without a test split is not evaluated
			kv = append(kv, viz.KV{Key: "test", Value: fmt.Sprintf("top-1 %.2f %%, top-5 %.2f %%, loss %.4f on %d images at step %d", 100*m.ValTop1, 100*m.ValTop5, m.ValLoss, m.ValImages, m.Step)})
		}
		if m.ImgPerSec > 0 {
			kv = append(kv, viz.KV{Key: "throughput", Value: fmt.Sprintf("%.0f img/s over the last window", m.ImgPerSec)})
		}
	}
	if t.last != "" {
		kv = append(kv, viz.KV{Key: "checkpoint", Value: t.last})
	}
	return kv
}

// progress says where the run is: "step 600 of 5625 (0.32 epochs)".
func (t *Trainer) progress() string {
	total, perEpoch := t.Plan()
	if total == 0 || perEpoch == 0 {
		return fmt.Sprintf("step %d", t.State.Step)
	}
	return fmt.Sprintf("step %d of %d (%.2f epochs)", t.State.Step, total, float64(t.State.Step)/float64(perEpoch))
}

func probePanel(s *Snapshot) image.Image {
	return viz.ProbePanel(s.Probe, s.Top, viz.ProbeOptions{Width: 480, Height: 180,
		Title: fmt.Sprintf("probe at step %d (true: %s)", s.Step, s.Truth), Truth: s.Truth})
}

func activationPanel(s *Snapshot, a Activation) image.Image {
	return viz.ActivationPanel(a.Data, a.Shape.C, a.Shape.H, a.Shape.W, viz.ActivationOptions{Input: s.Probe,
		Caption: fmt.Sprintf("%s at step %d, probe: %s", viz.ShapeCaption(a.Layer, a.Shape.C, a.Shape.H, a.Shape.W), s.Step, s.Truth)})
}

func perClassTable(r *EvalResult, names []string) viz.Table {
	acc, images := r.PerClass()
	tb := viz.Table{ID: "per-class", Title: fmt.Sprintf("per-class accuracy at step %d", r.Step),
		Head: []string{"class", "test images", "top-1", "most often taken for"}}
	for i, row := range r.Confusion {
		other, times := -1, 0
		for j, c := range row {
			if j != i && c > times {
				other, times = j, c
			}
		}
		a, o := "-", ""
		if !math.IsNaN(acc[i]) {
			a = fmt.Sprintf("%.1f %%", 100*acc[i])
		}
		if other >= 0 {
			o = fmt.Sprintf("%s (%d)", className(names, other), times)
		}
		tb.Rows = append(tb.Rows, []string{fmt.Sprintf("%d %s", i, className(names, i)), strconv.Itoa(images[i]), a, o})
	}
	return tb
}

func metricsTable(ms []Metrics) viz.Table {
	tb := viz.Table{ID: "evaluations", Title: "evaluations (metrics.csv)",
		Head: []string{"step", "epoch", "lr", "train loss", "train top-1", "test loss", "test top-1", "test top-5", "img/s"}}
	for _, m := range ms {
		tb.Rows = append(tb.Rows, []string{strconv.Itoa(int(m.Step)), fmt.Sprintf("%.2f", m.Epoch), strconv.FormatFloat(m.LR, 'g', 4, 64),
			fmt.Sprintf("%.4f", m.TrainLoss), fmt.Sprintf("%.2f %%", 100*m.TrainTop1), fmt.Sprintf("%.4f", m.ValLoss),
			fmt.Sprintf("%.2f %%", 100*m.ValTop1), fmt.Sprintf("%.2f %%", 100*m.ValTop5), fmt.Sprintf("%.0f", m.ImgPerSec)})
	}
	return tb
}

// configKVs lists the run's configuration, field by field, in name order.
func configKVs(c Config) []viz.KV {
	raw, _ := json.Marshal(c)
	var m map[string]any
	json.Unmarshal(raw, &m)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var kv []viz.KV
	for _, k := range keys {
		kv = append(kv, viz.KV{Key: k, Value: fmt.Sprint(m[k])})
	}
	return kv
}
