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

	bar         *bar         // the progress display, cleared before log lines
	win         *window      // training statistics since the last evaluation
	notes       []string     // what NewTrainer decided, logged when Run starts
	resumedFrom string       // the checkpoint this run resumed from ("" for a fresh run)
	legacy      bool         // resumed from a checkpoint without a run id
	lock        *os.File     // holds the run directory's lock while running
	probe       *data.Loader // test images for snapshots
	probeX      []float32
	probeLabel  int
}

// NewTrainer opens the dataset, builds the architecture and the net on d, and restores --resume (the
// checkpoint's weights, state and recorded configuration, with c.Given's flags overriding it) or
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
	var resume *Checkpoint
	var notes []string
	if c.Resume != "" {
		var err error
		if resume, c, notes, err = resumeCheckpoint(c); err != nil {
			return nil, err
		}
	} else {
		c.resolveLimits()
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	sched, _ := parseSchedule(c.Schedule)
	ds, dsNotes, err := openData(c)
	if err != nil {
		return nil, err
	}
	notes = append(notes, dsNotes...)
	if ds.Test == nil && sched.kind == "paper" {
		notes = append(notes, fmt.Sprintf("warning: --lr-schedule paper lowers lr when the test error stops improving; without evaluation lr stays %g", c.LR))
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
	if err := checkDataFits(c, ds); err != nil {
		ds.Close()
		return nil, err
	}
	if resume != nil {
		if a, err = resumedArch(resume, a, classes); err != nil {
			ds.Close()
			return nil, err
		}
	}
	nc := NetConfig{Batch: c.Batch, MicroBatch: c.MicroBatch, MemoryLimit: c.MemoryLimit,
		Seed: c.Seed, Dropout: c.Dropout, DecayBiases: c.DecayBiases, ForwardOnly: c.EvalOnly}
	if resume != nil && resume.State != nil { // the recorded conv algorithms, not timed again
		nc.ConvAlgos = resume.State.ConvAlgos
	}
	n, err := NewNetOn(p, a, nc)
	if err != nil {
		ds.Close()
		return nil, err
	}
	for _, line := range n.ConvAlgoReport() {
		notes = append(notes, "conv algorithm "+line)
	}
	t := &Trainer{Cfg: c, Arch: a, Net: n, Data: ds, loaderCfg: lc, sched: sched, lib: lib, notes: notes, win: newWindow(),
		State: State{Arch: a.Name, Classes: classes, Channels: channels, InputSize: a.In.H, LR: c.LR, BestErr: 2, RunID: newRunID()}}
	switch {
	case resume != nil:
		err = resume.Apply(n, true)
		if err == nil {
			t.resumeState(resume)
		}
	case c.Init != "":
		var ck *Checkpoint
		if ck, err = LoadCheckpoint(c.Init); err == nil {
			err = ck.Apply(n, false)
		}
	}
	if err == nil { // recorded afresh, also on resume: the configuration and the data this run reads
		t.State.Layers, t.State.Seed, t.State.BatchSize, t.State.Data, t.State.ClassNames = a.Layers, c.Seed, c.Batch, ds.Path, ds.Classes
		t.State.Config = c.Recorded()
		t.State.ConvAlgos = n.ConvAlgos()
		if c.Data != "" {
			if abs, aerr := filepath.Abs(c.Data); aerr == nil {
				t.State.Config["data"] = abs // a resumed run finds its data from any directory
			}
		}
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
	if t.lock != nil {
		t.lock.Close()
	}
}

func (t *Trainer) logf(format string, args ...any) {
	if t.Hooks.Log != nil {
		t.Hooks.Log(format, args...)
		return
	}
	if t.bar != nil {
		t.bar.clear()
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
	if err := t.openRun(); err != nil {
		return err
	}
	lc := t.loaderCfg
	lc.BatchSize, lc.Train, lc.Seed = t.Cfg.Batch, true, t.Cfg.Seed
	lc.Part, lc.Parts = t.Net.DataPart() // this rank's share of every batch
	if t.Data.Train.Len() < t.Cfg.Batch {
		return fmt.Errorf("--batch %d is larger than the %d training images of %s", t.Cfg.Batch, t.Data.Train.Len(), t.Data.Path)
	}
	perEpoch := t.Data.Train.Len() / t.Cfg.Batch
	for _, n := range t.notes {
		t.logf("%s", n)
	}
	t.notes = nil
	if t.resumedFrom != "" {
		t.logf("resuming from step %d (epoch %d, batch %d of %d)", t.State.Step, t.State.Epoch+1, min(t.State.Batch, perEpoch), perEpoch)
	}
	if t.State.Batch >= perEpoch { // interrupted between an epoch's last step and its evaluation
		if err := t.endEpoch(t.win); err != nil {
			return err
		}
	}
	total := t.totalEpochs(perEpoch)
	last := uint64(t.totalSteps(perEpoch))
	if t.State.Epoch >= total || t.State.Step >= last {
		t.logf("nothing to do: the run is already at step %d (epoch %d), and %s", t.State.Step, t.State.Epoch, t.limitText(perEpoch))
		return nil
	}
	lc.StartEpoch, lc.StartBatch = t.State.Epoch, t.State.Batch
	lc.Epochs = total - t.State.Epoch
	loader, err := data.NewLoader(t.Data.Train, lc)
	if err != nil {
		return err
	}
	defer loader.Close()
	t.stepSchedule(perEpoch)
	t.Net.SetHyper(t.State.LR, t.Cfg.Momentum, t.Cfg.WeightDecay)
	testImages := "no test"
	if t.Data.Test != nil {
		testImages = fmt.Sprintf("%d %s", t.Data.Test.Len(), t.Data.Test.Name)
	}
	t.logf("training %s (%d parameters, micro-batch %d) on %s: %d train / %s images, %d classes, %d steps per epoch; %s",
		t.Arch.Name, t.Arch.ParamCount(), t.Net.Micro, t.Data.Path, t.Data.Train.Len(), testImages, len(t.Data.Classes), perEpoch, t.limitText(perEpoch))
	if err := t.openRunFiles(perEpoch); err != nil {
		return err
	}
	defer t.finishRunFiles()
	win := t.win
	bar := t.newBar(perEpoch, last)
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
		if every(t.State.Step, t.Cfg.EvalEvery) {
			if err := t.evaluate(win); err != nil {
				return err
			}
		}
		if every(t.State.Step, t.Cfg.CheckpointEvery) {
			if err := t.checkpoint(); err != nil {
				return err
			}
		}
		if every(t.State.Step, t.Cfg.VizEvery) && t.Hooks.Viz != nil {
			if err := t.Hooks.Viz(t); err != nil {
				t.logf("warning: snapshot: %v", err)
			}
		}
		if t.State.Step >= last {
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

// every reports whether step is a multiple of n > 0.
func every(step uint64, n int) bool { return n > 0 && step%uint64(n) == 0 }

// limitText says how long the run is, and which of --steps and --epochs ends it.
func (t *Trainer) limitText(perEpoch int) string {
	c := t.Cfg
	byEpochs := c.Epochs * perEpoch
	switch {
	case c.Steps == 0:
		return fmt.Sprintf("%d epochs (%d steps)", c.Epochs, byEpochs)
	case c.Epochs == 0:
		return fmt.Sprintf("%d steps (%.2f epochs)", c.Steps, float64(c.Steps)/float64(perEpoch))
	case c.Steps < byEpochs:
		return fmt.Sprintf("%d steps: --steps %d ends the run before --epochs %d (%d steps)", c.Steps, c.Steps, c.Epochs, byEpochs)
	case c.Steps > byEpochs:
		return fmt.Sprintf("%d steps: --epochs %d ends the run before --steps %d", byEpochs, c.Epochs, c.Steps)
	}
	return fmt.Sprintf("%d steps: --steps %d and --epochs %d end together", c.Steps, c.Steps, c.Epochs)
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
		lr = t.Cfg.LR * float64(max(int64(total)-int64(t.State.Step), 1)) / float64(total)
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
	if !every(t.State.Step, t.Cfg.EvalEvery) {
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

// checkpoint writes the state after the last step and prunes this run's old checkpoints.
func (t *Trainer) checkpoint() error {
	if !t.Net.IsRoot() {
		return nil
	}
	p := checkpointName(t.Cfg.Out, t.State.Step)
	w := t.win
	t.State.Window = &WindowSums{Loss: w.loss, Top1: w.top1, Top5: w.top5, N: w.n, Busy: w.busy.Seconds()}
	if err := SaveCheckpoint(p, t.Net, t.State); err != nil {
		if errors.Is(err, ErrNotFinite) {
			return fmt.Errorf("parameters became non-finite at step %d (%v): training diverged; try a smaller --lr (now %g). The last good checkpoint is %s",
				t.State.Step, err, t.State.LR, orNone(t.last))
		}
		return err
	}
	t.last = p
	for _, err := range pruneCheckpoints(t.Cfg.Out, t.Cfg.Keep, t.ownsCheckpoint, p) {
		t.logf("warning: pruning old checkpoints: %v", err)
	}
	return nil
}

// LastCheckpoint returns the newest checkpoint this run wrote.
func (t *Trainer) LastCheckpoint() string { return t.last }

// OutPath returns a path inside the run directory.
func (t *Trainer) OutPath(name string) string { return filepath.Join(t.Cfg.Out, name) }
