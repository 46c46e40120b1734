package train

import (
	"fmt"
	"image"
	"io"

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
	Step       uint32
	Filters    []float32 // conv1 weights [K, C, R, S]
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
		l, err := data.NewLoader(t.Data.Test, lc)
		if err != nil {
			return nil, 0, err
		}
		t.probe = l
	}
	b, err := t.probe.Next()
	if err == io.EOF {
		return nil, 0, fmt.Errorf("no probe images in the test split of %s", t.Data.Path)
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

// Series returns the loss and top-1 curves recorded so far.
func (t *Trainer) Series() []viz.Series {
	tl := viz.Series{Name: "train", Metric: viz.Loss}
	vl := viz.Series{Name: "test", Metric: viz.Loss}
	ta := viz.Series{Name: "train", Metric: viz.Accuracy}
	va := viz.Series{Name: "test", Metric: viz.Accuracy}
	for _, m := range t.Metrics {
		st := int(m.Step)
		if m.TrainLoss > 0 {
			tl.Step, tl.Value = append(tl.Step, st), append(tl.Value, m.TrainLoss)
			ta.Step, ta.Value = append(ta.Step, st), append(ta.Value, m.TrainTop1)
		}
		vl.Step, vl.Value = append(vl.Step, st), append(vl.Value, m.ValLoss)
		va.Step, va.Value = append(va.Step, st), append(va.Value, m.ValTop1)
	}
	return []viz.Series{tl, vl, ta, va}
}

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

// WriteSnapshots writes the run directory's PNGs: filters.png (and a numbered copy per snapshot, to
// watch the filters form), activations-<layer>.png, curves.png and probe.png.
func WriteSnapshots(t *Trainer) error {
	s, err := t.Snapshot()
	if err != nil {
		return err
	}
	title := fmt.Sprintf("%s conv1 filters, step %d", t.Arch.Name, s.Step)
	f := viz.FilterMosaic(s.Filters, s.K, s.C, s.R, s.S, s.Groups, viz.MosaicOptions{Title: title})
	if err := viz.SavePNG(t.OutPath("filters.png"), f); err != nil {
		return err
	}
	if err := viz.SavePNG(t.OutPath(fmt.Sprintf("filters-%08d.png", s.Step)), f); err != nil {
		return err
	}
	for _, a := range s.Acts {
		g := viz.ActivationGrid(a.Data, a.Shape.C, a.Shape.H, a.Shape.W, viz.ShapeCaption(a.Layer, a.Shape.C, a.Shape.H, a.Shape.W), viz.GridOptions{})
		if err := viz.SavePNG(t.OutPath("activations-"+a.Layer+".png"), g); err != nil {
			return err
		}
	}
	if err := viz.SavePNG(t.OutPath("curves.png"), viz.Curves(s.Series, viz.CurveOptions{})); err != nil {
		return err
	}
	p := viz.ProbePanel(s.Probe, s.Top, viz.ProbeOptions{Title: "probe (true: " + s.Truth + ")", Truth: s.Truth})
	return viz.SavePNG(t.OutPath("probe.png"), p)
}
