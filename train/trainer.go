package train

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/alexnet-vk/alexnet/data"
	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers/vk"
)

// ErrInterrupted is returned by Run when its context was cancelled (SIGINT/SIGTERM): the step in
// flight finished and a checkpoint was written.
var ErrInterrupted = errors.New("interrupted")

// Hooks let a caller (the viewer, the PNG writer) watch a run. Each is called on the training
// goroutine between steps; keep them short.
type Hooks struct {
	Step func(t *Trainer, st StepStats)   // after every SGD step
	Eval func(t *Trainer, m Metrics)      // after every evaluation
	Viz  func(t *Trainer) error           // every Config.VizEvery steps and at the end
	Log  func(format string, args ...any) // progress lines (nil: stderr)
	// Evaluating reports an evaluation's progress (images done of total) after each batch, so a
	// window stays responsive during long evaluations.
	Evaluating func(t *Trainer, done, total int)
}

// Trainer runs a training job on a device.
type Trainer struct {
	Cfg     Config
	Arch    Arch
	Net     *Net
	Data    *data.Dataset
	State   State
	Metrics []Metrics
	Hooks   Hooks

	loaderCfg data.LoaderConfig
	sched     schedule
	lib       *vk.Lib
	out       *output
	last      string // newest checkpoint written

	bar        *bar         // the progress display, cleared before log lines
	probe      *data.Loader // test images for snapshots
	probeX     []float32
	probeLabel int
}

// NewTrainer opens the dataset, builds the architecture and the net on d, and restores --resume or
// --init.
func NewTrainer(d *gpu.Device, lib *vk.Lib, c Config) (*Trainer, error) {
	return NewTrainerOn(Placement{Devices: []*gpu.Device{d}, Libs: []*vk.Lib{lib}}, c)
}

// NewTrainerOn is NewTrainer with the net placed on several devices or MPI ranks (see Placement):
// every rank builds the same trainer; rank 0 alone writes the run's files.
func NewTrainerOn(p Placement, c Config) (*Trainer, error) {
	if len(p.Libs) == 0 {
		return nil, fmt.Errorf("train: no device")
	}
	lib := p.Libs[0]
	if err := c.validate(); err != nil {
		return nil, err
	}
	sched, _ := parseSchedule(c.Schedule)
	var resume *Checkpoint
	if c.Resume != "" {
		p, err := ResolveResume(c.Resume)
		if err != nil {
			return nil, err
		}
		if resume, err = LoadCheckpoint(p); err != nil {
			return nil, err
		}
		if resume.State == nil {
			return nil, fmt.Errorf("--resume %s: a weights file without training state (use --init to start from weights)", p)
		}
	}
	format := data.FormatAuto
	if c.Format != "" {
		var err error
		if format, err = data.ParseFormat(c.Format); err != nil {
			return nil, err
		}
	}
	ds, err := data.Open(c.Data, data.OpenOptions{Format: format, Workers: c.Workers})
	if err != nil {
		return nil, err
	}
	classes, channels := len(ds.Classes), ds.Channels
	if c.Classes > 0 {
		classes = c.Classes
	}
	if c.Channels > 0 {
		channels = c.Channels
	}
	size := min(ds.Height, ds.Width)
	if c.Resize > 0 {
		size = c.Resize
	}
	a, err := Get(c.Arch, classes, channels, size)
	if err != nil {
		ds.Close()
		return nil, err
	}
	lc, err := inputPlan(c, a, ds)
	if err != nil {
		ds.Close()
		return nil, err
	}
	if resume != nil && (resume.State.Arch != a.Name || resume.State.Classes != classes || resume.State.InputSize != a.In.H) {
		ds.Close()
		return nil, fmt.Errorf("--resume %s: a checkpoint of %s (%d classes, %d px input), but this run is %s (%d classes, %d px)",
			resume.Path, resume.State.Arch, resume.State.Classes, resume.State.InputSize, a.Name, classes, a.In.H)
	}
	if resume != nil { // continue the net that was trained, even if the named arch has changed since
		ra, ok, err := resume.State.RecordedArch()
		if err != nil {
			ds.Close()
			return nil, fmt.Errorf("--resume %s: %v", resume.Path, err)
		}
		if ok && !SameLayers(ra, a) {
			ra.Notes = a.Notes + " (layers as recorded in " + resume.Path + ")"
			a = ra
		}
	}
	n, err := NewNetOn(p, a, NetConfig{Batch: c.Batch, MicroBatch: c.MicroBatch, MemoryLimit: c.MemoryLimit,
		Seed: c.Seed, Dropout: c.Dropout, DecayBiases: c.DecayBiases})
	if err != nil {
		ds.Close()
		return nil, err
	}
	t := &Trainer{Cfg: c, Arch: a, Net: n, Data: ds, loaderCfg: lc, sched: sched, lib: lib,
		State: State{Arch: a.Name, Classes: classes, Channels: channels, InputSize: a.In.H, Layers: a.Layers, LR: c.LR,
			BestErr: 2, Seed: c.Seed, BatchSize: c.Batch, Data: ds.Path, ClassNames: ds.Classes}}
	switch {
	case resume != nil:
		err = resume.Apply(n, true)
		if err == nil {
			st := *resume.State
			t.State = st
			n.Step = st.Step
		}
	case c.Init != "":
		var ck *Checkpoint
		if ck, err = LoadCheckpoint(c.Init); err == nil {
			err = ck.Apply(n, false)
		}
	}
	if err == nil { // recorded afresh, also on resume: the statistics of the data this run reads
		t.State.Layers = a.Layers
		var st *data.Stats
		if lc.Norm == data.NormChannel || lc.Norm == data.NormMeanImage {
			st, err = ds.Stats()
		}
		if err == nil {
			t.State.Norm, err = inputNorm(lc.Norm, st, a.In.C)
		}
	}
	if err != nil {
		t.Close()
		return nil, err
	}
	return t, nil
}

// Close releases the net and the dataset.
func (t *Trainer) Close() {
	if t.probe != nil {
		t.probe.Close()
	}
	t.Net.Free()
	t.Data.Close()
	if t.out != nil {
		t.out.close()
	}
}

func (t *Trainer) logf(format string, args ...any) {
	if t.Hooks.Log != nil {
		t.Hooks.Log(format, args...)
		return
	}
	if t.bar != nil && t.bar.pb != nil {
		t.bar.pb.Clear()
	}
	fmt.Fprintf(os.Stderr, format+"\n", args...)
}

// totalEpochs is how many epochs the run covers in all.
func (t *Trainer) totalEpochs(perEpoch int) int {
	if t.Cfg.Epochs > 0 {
		return t.Cfg.Epochs
	}
	return (t.Cfg.Steps + perEpoch - 1) / perEpoch
}

// Run trains until the epochs or steps are done, ctx is cancelled, or the loss is not finite.
func (t *Trainer) Run(ctx context.Context) (err error) {
	resuming := t.Cfg.Resume != ""
	if old := Checkpoints(t.Cfg.Out); !resuming && len(old) > 0 && t.Net.IsRoot() {
		return fmt.Errorf("--out %s already holds checkpoints of another run (%s): continue it with --resume %s, or choose another --out",
			t.Cfg.Out, filepath.Base(old[len(old)-1]), t.Cfg.Out)
	}
	if t.Net.IsRoot() { // rank 0 owns the run directory
		if t.out, err = openOutput(t.Cfg.Out, resuming); err != nil {
			return err
		}
	}
	lc := t.loaderCfg
	lc.BatchSize, lc.Train, lc.Seed = t.Cfg.Batch, true, t.Cfg.Seed
	lc.Part, lc.Parts = t.Net.DataPart() // this rank's share of every batch
	lc.StartEpoch, lc.StartBatch = t.State.Epoch, t.State.Batch
	probe, err := data.NewLoader(t.Data.Train, lc)
	if err != nil {
		return err
	}
	perEpoch := probe.BatchesPerEpoch()
	probe.Close()
	if perEpoch == 0 {
		return fmt.Errorf("--batch %d is larger than the %d training images of %s", t.Cfg.Batch, t.Data.Train.Len(), t.Data.Path)
	}
	total := t.totalEpochs(perEpoch)
	if t.State.Epoch >= total || (t.Cfg.Steps > 0 && int(t.State.Step) >= t.Cfg.Steps) {
		t.logf("nothing to do: the run is already at step %d, epoch %d", t.State.Step, t.State.Epoch)
		return nil
	}
	lc.Epochs = total - t.State.Epoch
	loader, err := data.NewLoader(t.Data.Train, lc)
	if err != nil {
		return err
	}
	defer loader.Close()
	t.stepSchedule(perEpoch)
	t.Net.SetHyper(t.State.LR, t.Cfg.Momentum, t.Cfg.WeightDecay)
	t.logf("training %s (%d parameters, micro-batch %d) on %s: %d train / %d test images, %d classes, %d steps per epoch, %d epochs",
		t.Arch.Name, t.Arch.ParamCount(), t.Net.Micro, t.Data.Path, t.Data.Train.Len(), t.Data.Test.Len(), len(t.Data.Classes), perEpoch, total)
	if err := t.openRunFiles(perEpoch); err != nil {
		return err
	}
	defer t.finishRunFiles()
	win := newWindow()
	bar := t.newBar(perEpoch, total)
	t.bar = bar
	defer func() { bar.finish(); t.bar = nil }()
	for {
		if stop, err := t.Net.agreeStop(ctx.Err() != nil); err != nil {
			return err
		} else if stop { // every rank stops after the same step
			return t.interrupt()
		}
		b, err := loader.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if b.Epoch != t.State.Epoch { // a new epoch began: the previous one ended
			if err := t.endEpoch(win); err != nil {
				return err
			}
			t.State.Epoch = b.Epoch
			bar.epoch(b.Epoch, perEpoch-b.Step)
		}
		start := time.Now()
		st, err := t.Net.TrainStep(b.X, b.Labels)
		if err != nil {
			return err
		}
		if math.IsNaN(st.Loss) || math.IsInf(st.Loss, 0) {
			return fmt.Errorf("loss became %v at step %d (epoch %d): training diverged; try a smaller --lr (now %g). The last good checkpoint is %s",
				st.Loss, t.Net.Step, b.Epoch+1, t.State.LR, orNone(t.last))
		}
		t.State.Step = t.Net.Step
		t.State.Batch = b.Step + 1
		t.recordStep(st, t.State.LR, time.Since(start))
		t.stepSchedule(perEpoch)
		win.add(st, time.Since(start))
		bar.step(t, win)
		if t.Hooks.Step != nil {
			t.Hooks.Step(t, st)
		}
		if t.Cfg.EvalEvery > 0 && int(t.State.Step)%t.Cfg.EvalEvery == 0 {
			if err := t.evaluate(win); err != nil {
				return err
			}
		}
		if t.Cfg.CheckpointEvery > 0 && int(t.State.Step)%t.Cfg.CheckpointEvery == 0 {
			if err := t.checkpoint(); err != nil {
				return err
			}
		}
		if t.Cfg.VizEvery > 0 && int(t.State.Step)%t.Cfg.VizEvery == 0 && t.Hooks.Viz != nil {
			if err := t.Hooks.Viz(t); err != nil {
				t.logf("warning: snapshot: %v", err)
			}
		}
		if t.Cfg.Steps > 0 && int(t.State.Step) >= t.Cfg.Steps {
			break
		}
	}
	if t.State.Batch >= perEpoch {
		t.State.Epoch, t.State.Batch = t.State.Epoch+1, 0
	}
	if err := t.evaluateAndCheckpoint(win); err != nil {
		return err
	}
	if t.Hooks.Viz != nil {
		if err := t.Hooks.Viz(t); err != nil {
			t.logf("warning: snapshot: %v", err)
		}
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "none yet"
	}
	return s
}

// endEpoch evaluates and checkpoints at an epoch boundary.
func (t *Trainer) endEpoch(win *window) error {
	t.State.Epoch, t.State.Batch = t.State.Epoch+1, 0
	if err := t.evaluateAndCheckpoint(win); err != nil {
		return err
	}
	return nil
}

// stepSchedule applies a step-driven schedule before each update. step: lr is the base divided by 10
// for every milestone (in epochs, fractions allowed) the run has passed. linear: lr falls in a
// straight line from the base to zero over the run's updates (the last one uses base/total).
func (t *Trainer) stepSchedule(perEpoch int) {
	lr := t.Cfg.LR
	switch t.sched.kind {
	case "step":
		for _, e := range t.sched.milestones {
			if float64(t.State.Step) >= e*float64(perEpoch) {
				lr /= 10
			}
		}
	case "linear":
		total := t.totalSteps(perEpoch)
		lr = t.Cfg.LR * float64(max(total-int(t.State.Step), 1)) / float64(total)
	default:
		return
	}
	if lr != t.State.LR {
		t.State.LR = lr
		t.Net.SetHyper(lr, t.Cfg.Momentum, t.Cfg.WeightDecay)
		if t.sched.kind == "step" {
			t.logf("step %d: learning rate %g (step schedule)", t.State.Step, lr)
		}
	}
}

// totalSteps is how many updates the run makes in all: --steps, or --epochs of perEpoch, or the
// smaller where both are given.
func (t *Trainer) totalSteps(perEpoch int) int {
	n := t.Cfg.Epochs * perEpoch
	if t.Cfg.Steps > 0 && (n == 0 || t.Cfg.Steps < n) {
		n = t.Cfg.Steps
	}
	return max(n, 1)
}

func (t *Trainer) evaluateAndCheckpoint(win *window) error {
	if t.Cfg.EvalEvery == 0 || int(t.State.Step)%t.Cfg.EvalEvery != 0 {
		if err := t.evaluate(win); err != nil {
			return err
		}
	}
	return t.checkpoint()
}

// interrupt checkpoints after a cancelled context.
func (t *Trainer) interrupt() error {
	if err := t.checkpoint(); err != nil {
		return err
	}
	return ErrInterrupted
}

// checkpoint writes the state after the last step and prunes old checkpoints.
func (t *Trainer) checkpoint() error {
	if !t.Net.IsRoot() {
		return nil
	}
	p := checkpointName(t.Cfg.Out, t.State.Step)
	if err := SaveCheckpoint(p, t.Net, t.State); err != nil {
		if errors.Is(err, ErrNotFinite) {
			return fmt.Errorf("parameters became non-finite at step %d (%v): training diverged; try a smaller --lr (now %g). The last good checkpoint is %s",
				t.State.Step, err, t.State.LR, orNone(t.last))
		}
		return err
	}
	t.last = p
	pruneCheckpoints(t.Cfg.Out, t.Cfg.Keep)
	return nil
}

// LastCheckpoint returns the newest checkpoint this run wrote.
func (t *Trainer) LastCheckpoint() string { return t.last }

// OutPath returns a path inside the run directory.
func (t *Trainer) OutPath(name string) string { return filepath.Join(t.Cfg.Out, name) }
