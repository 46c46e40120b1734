package train

import (
	"fmt"
	"image"
	"io"
	"math"

	"github.com/alexnet-vk/alexnet/data"
	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/viz"
)

// Activation is one conv layer's output (after its ReLU) for the probe image.
type Activation struct {
	Layer string
	Shape Shape
	Data  []float32
}

// Snapshot is what the viewer and the PNG writer show: conv1's filters, the probe's activations at
// every conv layer, its top-5 predictions, and the curves so far.
type Snapshot struct {
	Step       uint64
	Filters    []float32 // conv1 weights [K, C, R, S]
	Init       []float32 // conv1 weights at the run's first timeline frame (its initialisation), or nil
	K, C, R, S int
	Groups     int
	Acts       []Activation
	Probe      image.Image
	Top        []viz.Prediction
	Truth      string
	Series     []viz.Series
}

// probeSample returns the next probe image (normalised input and label), cycling through the
// test split.
func (t *Trainer) probeSample() ([]float32, int, error) {
	if t.probe == nil {
		lc := t.loaderCfg
		lc.Train, lc.TenCrop, lc.KeepLast, lc.Flip, lc.ColorNoise, lc.Pad = false, false, true, false, 0, 0
		lc.BatchSize, lc.Epochs, lc.Workers = 1, 0, 1
		split := t.Data.Test
		if split == nil { // no test split: the probe is a training image
			split = t.Data.Train
		}
		l, err := data.NewLoader(split, lc)
		if err != nil {
			return nil, 0, err
		}
		t.probe = l
	}
	b, err := t.probe.Next()
	if err == io.EOF {
		return nil, 0, fmt.Errorf("no probe images in %s", t.Data.Path)
	}
	if err != nil {
		return nil, 0, err
	}
	return append([]float32(nil), b.X...), int(b.Labels[0]), nil
}

// NextProbe moves the snapshot's probe to the next test image.
func (t *Trainer) NextProbe() error {
	x, label, err := t.probeSample()
	if err == nil {
		t.probeX, t.probeLabel = x, label
	}
	return err
}

// Snapshot captures the current filters and the probe's activations and predictions.
func (t *Trainer) Snapshot() (*Snapshot, error) {
	if t.probeX == nil {
		if err := t.NextProbe(); err != nil {
			return nil, err
		}
	}
	n := t.Net
	s := &Snapshot{Step: n.Step}
	w, err := n.paramData(0, false)
	if err != nil {
		return nil, err
	}
	for _, p := range n.Params {
		if p.Layer == firstConv(n.Arch) && !p.IsBias {
			s.K, s.C, s.R, s.S = p.Shape[0], p.Shape[1], p.Shape[2], p.Shape[3]
		}
	}
	s.Filters, s.Groups = w, n.Arch.Layers[firstConv(n.Arch)].Groups
	if t.out != nil {
		if f := t.out.tl.first(); len(f) == len(w) {
			s.Init = f
		}
	}
	acts, logits, err := n.ProbeActivations(t.probeX)
	if err != nil {
		return nil, err
	}
	s.Acts = acts
	in := n.Arch.In
	s.Probe = viz.TensorImage(t.probeX, in.C, in.H, in.W)
	p := AverageSoftmax(logits, 1, len(logits))
	names := t.Data.Classes
	for _, j := range TopK(p, 5) {
		s.Top = append(s.Top, viz.Prediction{Label: className(names, j), Prob: p[j]})
	}
	s.Truth = className(names, t.probeLabel)
	s.Series = t.Series()
	return s, nil
}

func className(names []string, i int) string {
	if i < len(names) {
		return names[i]
	}
	return fmt.Sprintf("class %d", i)
}

func firstConv(a Arch) int {
	for i, l := range a.Layers {
		if l.Kind == Conv {
			return i
		}
	}
	return 0
}

// Series returns the curves recorded so far: training loss and top-1 from the per-step log (each
// logged value faint, under its smoothed curve), test loss and top-1 at every evaluation (with
// markers), and the learning rate. Without a per-step log the training curves come from the
// evaluations' windows.
func (t *Trainer) Series() []viz.Series {
	tl := viz.Series{Name: "train", Metric: viz.Loss}
	vl := viz.Series{Name: "test", Metric: viz.Loss, Markers: true}
	ta := viz.Series{Name: "train", Metric: viz.Accuracy}
	va := viz.Series{Name: "test", Metric: viz.Accuracy, Markers: true}
	lr := viz.Series{Name: "lr", Metric: viz.LR}
	rows := t.History()
	for _, m := range t.Metrics {
		st := int(m.Step)
		if m.TrainLoss > 0 && len(rows) == 0 {
			tl.Step, tl.Value = append(tl.Step, st), append(tl.Value, m.TrainLoss)
			ta.Step, ta.Value = append(ta.Step, st), append(ta.Value, m.TrainTop1)
			lr.Step, lr.Value = append(lr.Step, st), append(lr.Value, m.LR)
		}
		vl.Step, vl.Value = append(vl.Step, st), append(vl.Value, m.ValLoss)
		va.Step, va.Value = append(va.Step, st), append(va.Value, m.ValTop1)
	}
	if len(rows) == 0 {
		return []viz.Series{tl, vl, ta, va, lr}
	}
	rawL := viz.Series{Name: "train", Metric: viz.Loss, Faint: true}
	rawA := viz.Series{Name: "train", Metric: viz.Accuracy, Faint: true}
	var eL, eA float64
	for i, r := range rows {
		st := int(r.Step)
		rawL.Step, rawL.Value = append(rawL.Step, st), append(rawL.Value, r.Loss)
		rawA.Step, rawA.Value = append(rawA.Step, st), append(rawA.Value, r.Top1)
		eL = smoothing*eL + (1-smoothing)*r.Loss
		eA = smoothing*eA + (1-smoothing)*r.Top1
		corr := 1 - math.Pow(smoothing, float64(i+1)) // bias correction of the zero start
		tl.Step, tl.Value = append(tl.Step, st), append(tl.Value, eL/corr)
		ta.Step, ta.Value = append(ta.Step, st), append(ta.Value, eA/corr)
		lr.Step, lr.Value = append(lr.Step, st), append(lr.Value, r.LR)
	}
	return []viz.Series{rawL, tl, vl, rawA, ta, va, lr}
}

// smoothing is the weight of the past in the smoothed training curves: an exponential moving
// average over about 20 logged rows.
const smoothing = 0.95

// paramData downloads the weight (or bias) of the first conv layer's parameter index i.
func (n *Net) paramData(layerIdx int, bias bool) ([]float32, error) {
	if n.split != nil {
		return n.split.paramData(bias)
	}
	fc := firstConv(n.Arch)
	for i, p := range n.Params {
		if p.Layer == fc && p.IsBias == bias {
			out := make([]float32, p.Size())
			return out, n.w.DownloadF32(n.off[i], out)
		}
	}
	return nil, fmt.Errorf("%s has no conv layer", n.Arch.Name)
}

// ProbeActivations runs one image (C×H×W) through the net without dropout and returns every conv
// layer's output after its ReLU, and the logits.
func (n *Net) ProbeActivations(x []float32) ([]Activation, []float32, error) {
	if len(x) != n.Arch.In.Size() {
		return nil, nil, fmt.Errorf("probe: got %d values for one %v image", len(x), n.Arch.In)
	}
	if n.split != nil {
		return n.split.probe(x)
	}
	if n.staging != nil {
		copy(n.staging.Mapped(), gpu.F32Bytes(x))
	} else {
		copy(n.input.Mapped(), gpu.F32Bytes(x))
	}
	if err := n.probeSeq.Run(); err != nil {
		return nil, nil, err
	}
	last := len(n.Shapes) - 1
	src := n.acts[n.slot[last]]
	if n.logitsOut != nil {
		src = n.logitsOut
	}
	logits := make([]float32, n.Shapes[last].Size())
	copy(gpu.F32Bytes(logits), src.Mapped())
	var acts []Activation
	for i, l := range n.Arch.Layers {
		if l.Kind != Conv {
			continue
		}
		sh := n.Shapes[i]
		a := Activation{Layer: l.Name, Shape: sh, Data: make([]float32, sh.Size())}
		if err := n.acts[n.slot[i]].DownloadF32(0, a.Data); err != nil {
			return nil, nil, err
		}
		acts = append(acts, a)
	}
	return acts, logits, nil
}

// WriteSnapshots writes the run directory's PNGs, each labelled with its step and kept also as a
// numbered copy in snapshots/<step>/: filters.png (conv1, each filter on its own scale around
// zero), filters-change.png (their change since the run's first frame, on one scale),
// activations-<layer>.png (the probe's response at every conv layer, beside the probe, with
// channel numbers and a colour bar), curves.png (from the per-step log and the evaluations) and
// probe.png (a test image and its top-5). Under MPI only rank 0 writes.
func WriteSnapshots(t *Trainer) error {
	if !t.Net.IsRoot() { // rank 0 writes the run's files
		return nil
	}
	s, err := t.Snapshot()
	if err != nil {
		return err
	}
	dir := t.Cfg.Out
	title := fmt.Sprintf("%s conv1 filters at step %d, each on its own scale", t.Arch.Name, s.Step)
	f := viz.FilterMosaic(s.Filters, s.K, s.C, s.R, s.S, s.Groups, viz.MosaicOptions{Title: title, Bar: true})
	if err := savePanel(dir, "filters.png", s.Step, f); err != nil {
		return err
	}
	if s.Init != nil {
		title := fmt.Sprintf("%s conv1 filters at step %d: change since the first frame, one scale", t.Arch.Name, s.Step)
		d := viz.FilterMosaic(viz.Delta(s.Filters, s.Init), s.K, s.C, s.R, s.S, s.Groups, viz.MosaicOptions{Title: title, Shared: true, Bar: true})
		if err := savePanel(dir, "filters-change.png", s.Step, d); err != nil {
			return err
		}
	}
	for _, a := range s.Acts {
		if err := savePanel(dir, "activations-"+a.Layer+".png", s.Step, activationPanel(s, a)); err != nil {
			return err
		}
	}
	c := viz.Titled(viz.Curves(s.Series, viz.CurveOptions{Width: 960, Height: 280}), fmt.Sprintf("%s at step %d", t.Arch.Name, s.Step))
	if err := savePanel(dir, "curves.png", s.Step, c); err != nil {
		return err
	}
	return savePanel(dir, "probe.png", s.Step, probePanel(s))
}

// FirstConvWeights downloads conv1's weights alone (a light refresh of the filters, without the
// probe's forward pass).
func (t *Trainer) FirstConvWeights() ([]float32, error) { return t.Net.paramData(0, false) }
