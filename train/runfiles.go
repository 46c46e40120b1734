package train

import (
	"errors"
	"path/filepath"
	"time"
)

// openRunFiles opens what Run writes besides metrics.csv and checkpoints: the per-step log
// (history.csv) and the filter timeline; a resumed run rereads both, and its metrics for the
// curves, up to its step.
func (t *Trainer) openRunFiles(perEpoch int) error {
	if t.out == nil { // not rank 0: rank 0 writes the run's files
		return nil
	}
	resuming := t.Cfg.Resume != ""
	total := t.totalSteps(perEpoch)
	every := HistoryInterval(t.Cfg.HistoryEvery, total)
	h, err := openHistory(t.Cfg.Out, resuming, t.State.Step, every, float64(perEpoch))
	if err != nil {
		return err
	}
	t.out.hist, t.out.total, t.out.perEpoch = h, total, perEpoch
	if resuming && len(t.Metrics) == 0 {
		ms, _ := ReadMetrics(t.OutPath("metrics.csv"))
		for _, m := range ms {
			if m.Step <= t.State.Step {
				t.Metrics = append(t.Metrics, m)
			}
		}
	}
	if t.out.tl, err = t.startTimeline(total); err != nil { // the run goes on without one
		t.logf("warning: no filter timeline: %v", err)
		t.out.tl = nil
	}
	if every > 1 {
		t.logf("per-step log %s: one row per %d steps (at most %d rows)", t.OutPath("history.csv"), every, HistoryMaxRows)
	}
	return nil
}

// recordStep logs a step in history.csv and takes a timeline frame when one is due. lr is the
// learning rate the step used.
func (t *Trainer) recordStep(st StepStats, lr float64, busy time.Duration) {
	if t.out == nil || t.out.hist == nil {
		return
	}
	start := time.Now()
	h := t.out.hist
	h.add(t.State.Step, lr, st, busy)
	h.busy += busy
	if tl := t.out.tl; tl != nil && tl.due(t.State.Step) {
		if err := tl.capture(t); err != nil {
			t.logf("warning: filter timeline: %v", err)
		}
	}
	h.cost += time.Since(start)
}

// finishRunFiles ends a run's files (also after an interruption): the last timeline frame,
// filters-timeline.png, the final report.html, and history.csv flushed; it logs what the per-step
// log cost.
func (t *Trainer) finishRunFiles() {
	if t.out == nil || t.out.hist == nil {
		return
	}
	var errs []error
	if tl := t.out.tl; tl != nil {
		if tl.steps[len(tl.steps)-1] != int(t.State.Step) {
			errs = append(errs, tl.capture(t))
		}
		errs = append(errs, tl.write(t.Cfg.Out))
	}
	errs = append(errs, t.WriteReport(true), t.out.hist.flush())
	if err := errors.Join(errs...); err != nil {
		t.logf("warning: run files: %v", err)
	}
	h := t.out.hist
	if h.busy > 0 {
		t.logf("per-step log and filter timeline: %v for %d rows, %.4f%% of the training steps' time; report %s",
			h.cost.Round(time.Microsecond), len(h.rows), 100*h.cost.Seconds()/h.busy.Seconds(), filepath.Join(t.Cfg.Out, "report.html"))
	}
}

// History returns the per-step log so far (read from the run directory by ShowRun when browsing).
func (t *Trainer) History() []HistoryRow {
	if t.out == nil || t.out.hist == nil {
		return nil
	}
	return t.out.hist.rows
}

// ShowRun loads a run directory's metrics.csv and history.csv into a trainer that does not train
// (the viewer's --watch), so that its curves are the run's.
func (t *Trainer) ShowRun(dir string) {
	ms, _ := ReadMetrics(filepath.Join(dir, "metrics.csv"))
	rows, _ := ReadHistory(filepath.Join(dir, "history.csv"))
	t.Metrics = ms
	if t.out == nil {
		t.out = &output{dir: dir}
	}
	t.out.hist = &history{rows: rows}
}

// LastEvaluation returns the latest evaluation of this run and its pictures (nil before the first).
func (t *Trainer) LastEvaluation() (*EvalResult, *EvalPictures) {
	if t.out == nil {
		return nil, nil
	}
	return t.out.eval, t.out.evalPics
}

// Plan returns how many steps the run makes in all and per epoch (0, 0 before Run starts).
func (t *Trainer) Plan() (total, perEpoch int) {
	if t.out == nil || t.out.hist == nil {
		return 0, 0
	}
	return t.out.total, t.out.perEpoch
}
