package train

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/alexnet-vk/alexnet/data"
	"github.com/alexnet-vk/alexnet/weights"
)

// openData opens the run's dataset. Data without a test split get one held out (--holdout, chosen
// by a fixed seed so every run on the data evaluates on the same images), or, with --holdout 0,
// none: the run then trains without evaluation. notes say which.
func openData(c Config) (*data.Dataset, []string, error) {
	format := data.FormatAuto
	if c.Format != "" {
		var err error
		if format, err = data.ParseFormat(c.Format); err != nil {
			return nil, nil, err
		}
	}
	ds, err := data.Open(c.Data, data.OpenOptions{Format: format, Workers: c.Workers, HoldOut: c.HoldOut})
	if err != nil {
		if c.HoldOut > 0 && strings.Contains(err.Error(), "hold-out") {
			err = fmt.Errorf("%v: too few images to hold out a test split of --holdout %g; use a larger fraction, or --holdout 0 to train without evaluation", err, c.HoldOut)
		}
		return nil, nil, err
	}
	var notes []string
	switch {
	case ds.Test == nil:
		notes = append(notes, fmt.Sprintf("warning: %s has no test split and --holdout is 0: training without evaluation (metrics.csv records the training loss only)", ds.Path))
	case ds.Test.Name == "holdout":
		notes = append(notes, fmt.Sprintf("%s has no test split: holding out %d of its %d training images (--holdout %g, the same images in every run) for evaluation",
			ds.Path, ds.Test.Len(), ds.Test.Len()+ds.Train.Len(), c.HoldOut))
	case c.Given["holdout"]:
		notes = append(notes, fmt.Sprintf("--holdout %g ignored: %s has its own %s split", c.HoldOut, ds.Path, ds.Test.Name))
	}
	return ds, notes, nil
}

// checkDataFits refuses, before any device memory is spent, fewer classes than the data's labels
// use. (A batch larger than the training split is Run's to refuse: a trainer that only evaluates
// may hold fewer training images than its batch.)
func checkDataFits(c Config, ds *data.Dataset) error {
	if c.Classes > 0 && c.Classes < len(ds.Classes) {
		return fmt.Errorf("--classes %d: %s has %d classes (labels up to %d); give at least %d, or 0 for the data's", c.Classes, ds.Path, len(ds.Classes), len(ds.Classes)-1, len(ds.Classes))
	}
	return nil
}

// resumedArch returns the net a resumed run continues: the layers its checkpoint recorded (even if
// the named architecture has changed since), after checking that the checkpoint is of this run's
// architecture and that its tensors fit it, before any device memory is spent on it.
func resumedArch(ck *Checkpoint, a Arch, classes int) (Arch, error) {
	st := ck.State
	if st.Arch != a.Name || st.Classes != classes || st.InputSize != a.In.H {
		return a, fmt.Errorf("--resume %s: a checkpoint of %s (%d classes, %d px input), but this run is %s (%d classes, %d px)",
			ck.Path, st.Arch, st.Classes, st.InputSize, a.Name, classes, a.In.H)
	}
	ra, ok, err := st.RecordedArch()
	if err != nil {
		return a, fmt.Errorf("--resume %s: %v", ck.Path, err)
	}
	if ok && !SameLayers(ra, a) {
		ra.Notes = a.Notes + " (layers as recorded in " + ck.Path + ")"
		a = ra
	}
	want := map[string][]int{}
	for _, p := range a.Params() {
		want[p.Name] = p.Shape
	}
	var params []weights.Tensor
	for _, t := range ck.Tensors {
		if !strings.HasPrefix(t.Name, momentumPrefix) {
			params = append(params, t)
		}
	}
	if err := weights.Match(params, want); err != nil {
		return a, fmt.Errorf("--resume %s does not fit %s: %v", ck.Path, a.Name, err)
	}
	return a, nil
}

// resumeState continues the checkpoint's state: position, schedule, dropout step, run identity and
// the training window since the last evaluation.
func (t *Trainer) resumeState(ck *Checkpoint) {
	st := *ck.State
	t.resumedFrom = ck.Path
	if st.RunID == "" { // written before run ids: this run adopts the directory's unnamed checkpoints
		st.RunID = newRunID()
		t.legacy = true
	}
	if st.BatchSize > 0 && st.BatchSize != t.Cfg.Batch && st.Batch > 0 {
		images := st.Batch * st.BatchSize
		st.Batch = images / t.Cfg.Batch
		t.notes = append(t.notes, fmt.Sprintf("--batch %d → %d: the position in epoch %d (%d images) continues at batch %d of %d images",
			st.BatchSize, t.Cfg.Batch, st.Epoch+1, images, st.Batch, t.Cfg.Batch))
	}
	if w := st.Window; w != nil {
		*t.win = window{loss: w.Loss, top1: w.Top1, top5: w.Top5, n: w.N, busy: time.Duration(w.Busy * float64(time.Second))}
	}
	t.State = st
	t.Net.Step = st.Step
}

// ownsCheckpoint reports whether a checkpoint's state is this run's.
func (t *Trainer) ownsCheckpoint(st *State) bool {
	return st.RunID == t.State.RunID || (t.legacy && st.RunID == "")
}

// openRun takes the run directory: it locks it, refuses one that holds another run's checkpoints,
// removes the temporary files an interrupted run of it left, continues metrics.csv after the
// resumed checkpoint's step (or starts it afresh) and opens it.
func (t *Trainer) openRun() error {
	if !t.Net.IsRoot() { // rank 0 owns the run directory
		return nil
	}
	dir := t.Cfg.Out
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("--out %s: %v", dir, err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return err
	}
	t.lock = lock
	for _, p := range Checkpoints(dir) {
		st, err := readState(p)
		switch {
		case err == nil && st != nil && t.ownsCheckpoint(st):
			continue
		case t.resumedFrom == "":
			return fmt.Errorf("--out %s already holds checkpoints of another run (%s): continue it with --resume %s, or choose another --out",
				dir, filepath.Base(p), dir)
		case err != nil && filepath.Dir(t.resumedFrom) == filepath.Clean(dir):
			continue // the unreadable newer checkpoint findResume skipped with a warning
		case err != nil:
			return fmt.Errorf("--out %s holds %s, which does not load (%v); choose another --out", dir, filepath.Base(p), err)
		default:
			return fmt.Errorf("--out %s already holds checkpoints of another run (%s); choose another --out to continue --resume %s", dir, filepath.Base(p), t.Cfg.Resume)
		}
	}
	if gone := removeTemps(dir); len(gone) > 0 {
		t.logf("removed %d temporary file(s) an interrupted run left in %s: %s", len(gone), dir, strings.Join(gone, ", "))
	}
	if t.resumedFrom != "" {
		rows, err := continueRows(dir, filepath.Dir(t.resumedFrom), "metrics.csv", t.State.Step)
		if err != nil {
			return err
		}
		t.Metrics = metricsFromRows(rows)
		// The per-step log likewise (into another directory too), also when nothing is left to do.
		if _, err := continueRows(dir, filepath.Dir(t.resumedFrom), "history.csv", t.State.Step); err != nil {
			return err
		}
	}
	t.out, err = openOutput(dir, t.resumedFrom != "")
	return err
}

// recordTrainOnly writes a metrics row without evaluation (the data have no test split): the
// training window, and NaN where the test columns would be.
func (t *Trainer) recordTrainOnly(win *window) error {
	nan := math.NaN()
	m := Metrics{Step: t.State.Step, LR: t.State.LR, ValLoss: nan, ValTop1: nan, ValTop5: nan}
	m.Epoch = float64(t.State.Step) / math.Max(float64(t.Data.Train.Len()/t.Cfg.Batch), 1)
	if win != nil {
		m.TrainLoss, m.TrainTop1, m.TrainTop5, m.ImgPerSec = win.means()
		win.reset()
	}
	t.Metrics = append(t.Metrics, m)
	if err := t.out.writeMetrics(m); err != nil {
		return err
	}
	t.logf("step %d (epoch %.2f): training loss %.4f, top-1 %.2f%% (no test split: not evaluated)", m.Step, m.Epoch, m.TrainLoss, 100*m.TrainTop1)
	if t.Hooks.Eval != nil {
		t.Hooks.Eval(t, m)
	}
	return nil
}
