package main

import (
	"context"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"time"

	"github.com/alexnet-vk/alexnet/gpu/window"
	"github.com/alexnet-vk/alexnet/train"
	"github.com/alexnet-vk/alexnet/viz"
)

// The shares of training time that automatic refreshes may take: full ones (a forward pass of the
// probe for its activations and top-5) and light ones (conv1's filters and the curves, no forward
// pass), so the filters move often even where the probe's pass is slow.
const (
	fullBudget  = 0.02
	lightBudget = 0.01
)

// source is what the viewer shows: a training run (Trainer) or a browsed checkpoint.
type source interface {
	Snapshot() (*train.Snapshot, error)
	NextProbe() error
}

// viewer is the window's state: what it shows, the keys' effects, and what showing costs.
type viewer struct {
	win     *window.Window
	src     source
	trainer *train.Trainer // nil when browsing
	out     string         // run directory: screenshots go here
	refresh int            // steps between refreshes; 0: automatic
	script  *script
	ctx     context.Context // cancelled by q, the close button, SIGINT or SIGTERM
	cancel  context.CancelFunc

	snap         *train.Snapshot // the latest full refresh
	filters      []float32       // conv1's weights as of the latest refresh, full or light
	filtersStep  uint64          // the step they are from
	layer        int
	paused       bool
	quit         bool
	img          *image.RGBA // the composed dashboard now on screen
	err          error       // the first failure to draw or save, reported at exit
	status       string      // what the status line says when nothing trains (browsing)
	state        string      // training, paused, evaluating n/N, done; "" when browsing
	view         view        // the toggles: scales, filter change, right panel, help
	alt          altCache    // the confusion matrix or mistakes as last rendered
	stats        liveStats   // smoothed loss and throughput for the status line
	lastEvalDraw time.Time   // the latest redraw during an evaluation

	sinceFull, sinceLight int
	lastHook              time.Time
	stepTime              float64 // smoothed seconds per training step, hook time excluded
	cost                  costs
}

func newViewer(ctx context.Context, cancel context.CancelFunc, w *window.Window, t *train.Trainer, out string, refresh int, sc *script) *viewer {
	v := &viewer{win: w, out: out, refresh: refresh, script: sc, ctx: ctx, cancel: cancel, state: "training"}
	if t != nil {
		v.setTrainer(t)
	}
	return v
}

// setTrainer makes t the source of what is shown.
func (v *viewer) setTrainer(t *train.Trainer) { v.src, v.trainer = t, t }

// onStep is the trainer's step hook: handle input, refresh when due, and hold while paused.
func (v *viewer) onStep(t *train.Trainer, st train.StepStats) {
	start := time.Now()
	if !v.lastHook.IsZero() {
		s := start.Sub(v.lastHook).Seconds()
		if v.stepTime == 0 {
			v.stepTime = s
		} else {
			v.stepTime = 0.8*v.stepTime + 0.2*s
		}
	}
	v.cost.steps++
	v.sinceFull++
	v.sinceLight++
	v.stats.add(st, v.stepTime)
	v.script.stepDone()
	switch {
	case v.dueFull():
		v.update(true)
	case v.dueLight():
		v.updateFilters()
	}
	v.handle(v.poll()) // after the refresh, so that a screenshot shows this step
	v.setTitle()
	var held time.Duration
	for v.paused && !v.stopping() {
		p := time.Now()
		v.handle(v.wait())
		held += time.Since(p)
	}
	end := time.Now()
	v.cost.paused += held
	v.cost.overhead += end.Sub(start) - held
	v.lastHook = end
}

// onEval is the trainer's evaluation hook: the test curve gained a point, the confusion matrix
// and the mistakes are new.
func (v *viewer) onEval(t *train.Trainer, _ train.Metrics) {
	v.state = "training"
	if v.snap == nil || v.quit {
		return
	}
	start := time.Now()
	v.draw()
	v.cost.overhead += time.Since(start)
	v.lastHook = time.Now() // the evaluation is not a training step
}

// onEvaluating is the trainer's evaluation progress hook: the status line says how far the
// evaluation is, and keys are handled, at most twice a second.
func (v *viewer) onEvaluating(t *train.Trainer, done, total int) {
	v.state = fmt.Sprintf("evaluating %d/%d", done, total)
	if time.Since(v.lastEvalDraw) < 500*time.Millisecond || v.snap == nil {
		return
	}
	start := time.Now()
	v.draw()
	v.handle(v.poll())
	v.lastEvalDraw = time.Now()
	v.cost.evalDraws += v.lastEvalDraw.Sub(start)
	v.lastHook = v.lastEvalDraw
}

// dueFull reports whether a full refresh is due after this step: every --refresh steps, or when
// its cost fits the budget for the steps since the last one.
func (v *viewer) dueFull() bool {
	if v.snap == nil {
		return true
	}
	if v.refresh > 0 {
		return v.sinceFull >= v.refresh
	}
	return v.affordable(v.cost.lastFull, v.sinceFull, fullBudget)
}

// dueLight reports whether a light refresh (filters and curves) fits its budget.
func (v *viewer) dueLight() bool {
	return v.trainer != nil && v.affordable(v.cost.lastLight, v.sinceLight, lightBudget)
}

func (v *viewer) affordable(cost time.Duration, steps int, budget float64) bool {
	return v.stepTime > 0 && cost.Seconds() <= budget*float64(steps)*v.stepTime
}

// poll returns the window's pending events and the script's next ones.
func (v *viewer) poll() []window.Event { return append(v.win.Poll(), v.script.events(v.win)...) }

// wait is poll for idle loops: it sleeps up to 0.1 s for an event unless the script has one ready.
func (v *viewer) wait() []window.Event {
	if ev := v.script.events(v.win); len(ev) > 0 {
		return append(v.win.Poll(), ev...)
	}
	return v.win.Wait(0.1)
}

// handle applies window events: keys, resizes and close requests.
func (v *viewer) handle(evs []window.Event) {
	for _, e := range evs {
		switch e.Kind {
		case window.Close:
			v.stop()
		case window.Resize:
			v.draw()
		case window.KeyPress:
			v.key(e.Key)
		}
	}
}

// stop ends the session: training checkpoints and returns, browsing returns.
func (v *viewer) stop() {
	v.quit = true
	v.cancel()
}

// stopping reports whether the session is ending (stop, or a signal).
func (v *viewer) stopping() bool {
	if v.ctx.Err() != nil {
		v.quit = true
	}
	return v.quit
}

// update takes a new snapshot (when snapshot is true) and redraws.
func (v *viewer) update(snapshot bool) {
	start := time.Now()
	if snapshot {
		s, err := v.src.Snapshot()
		if err != nil {
			v.fail(err)
			return
		}
		v.snap, v.filters, v.filtersStep = s, s.Filters, s.Step
		v.cost.snapshot += time.Since(start)
		v.cost.fulls++
		v.sinceFull, v.sinceLight = 0, 0
	}
	v.draw()
	if snapshot {
		v.cost.lastFull = time.Since(start)
	}
}

// updateFilters redraws with conv1's current weights and the curves, without a forward pass.
func (v *viewer) updateFilters() {
	start := time.Now()
	w, err := v.trainer.FirstConvWeights()
	if err != nil {
		v.fail(err)
		return
	}
	v.filters, v.filtersStep = w, v.trainer.State.Step
	v.cost.weights += time.Since(start)
	v.draw()
	v.cost.lights++
	v.sinceLight = 0
	v.cost.lastLight = time.Since(start)
}

// draw composes the dashboard for the window's current size and shows it.
func (v *viewer) draw() {
	w, h := v.win.Size()
	if w <= 0 || h <= 0 {
		return
	}
	t0 := time.Now()
	if v.img == nil || v.img.Rect.Dx() != w || v.img.Rect.Dy() != h {
		v.img = image.NewRGBA(image.Rect(0, 0, w, h))
	}
	d := v.dashboard()
	d.RenderInto(v.img)
	t1 := time.Now()
	if err := v.win.Show(v.img); err != nil {
		v.fail(err)
	}
	v.cost.render += t1.Sub(t0)
	v.cost.show += time.Since(t1)
	v.cost.draws++
}

// screenshot saves the composed dashboard now on screen into the run directory, after a full
// refresh when the probe's panels are older than the net, so every panel shows the same step.
func (v *viewer) screenshot() {
	var step uint64
	if v.trainer != nil {
		step = v.trainer.Net.Step
		if v.snap != nil && v.snap.Step != step {
			v.update(true)
		}
	}
	if v.img == nil {
		fmt.Fprintln(os.Stderr, "viewer: nothing drawn yet; no screenshot")
		return
	}
	path := filepath.Join(v.out, fmt.Sprintf("screenshot-%012d.png", step))
	for i := 2; fileExists(path); i++ {
		path = filepath.Join(v.out, fmt.Sprintf("screenshot-%012d-%d.png", step, i))
	}
	if err := viz.SavePNG(path, v.img); err != nil {
		v.fail(err)
		return
	}
	probe := -1
	if v.snap != nil {
		probe = int(v.snap.Step)
	}
	fmt.Fprintf(os.Stderr, "viewer: screenshot %s (step %d, probe panels from step %d)\n", path, step, probe)
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// fail keeps the first error for the exit code and prints each.
func (v *viewer) fail(err error) {
	fmt.Fprintln(os.Stderr, "viewer:", err)
	if v.err == nil {
		v.err = err
	}
}

func (v *viewer) exitCode() int {
	if v.err != nil {
		return 1
	}
	return 0
}

// finished keeps the window open on the final state until the user quits.
func (v *viewer) finished() {
	v.state = "done"
	v.update(true) // the final state, whatever the last refresh showed
	v.setTitle()
	v.script.stopTraining()
	for !v.stopping() {
		v.handle(v.wait())
	}
}
