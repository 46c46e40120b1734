package main

import (
	"context"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"time"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/train"
	"github.com/alexnet-vk/alexnet/viz"
)

// autoBudget is the share of training time that automatic refreshing may take.
const autoBudget = 0.02

// source is what the viewer shows: a training run (Trainer) or a browsed checkpoint.
type source interface {
	Snapshot() (*train.Snapshot, error)
	NextProbe() error
}

// viewer is the window's state: what it shows, the keys' effects, and what showing costs.
type viewer struct {
	win     *gpu.Window
	src     source
	trainer *train.Trainer // nil when browsing
	out     string         // run directory: screenshots go here
	refresh int            // steps between refreshes; 0: automatic
	script  *script
	cancel  context.CancelFunc

	snap   *train.Snapshot
	live   liveCurves
	layer  int
	paused bool
	quit   bool
	img    *image.RGBA // the composed dashboard now on screen
	err    error       // the first failure to draw or save, reported at exit
	status string      // last step's summary, for the title

	sinceRefresh int
	lastHook     time.Time
	stepTime     float64 // smoothed seconds per training step, hook time excluded
	cost         costs
}

// costs accounts for the time the window takes from training.
type costs struct {
	refreshes, draws        int
	snapshot, render, show  time.Duration
	overhead                time.Duration // hook time spent for the window, pauses excluded
	paused                  time.Duration
	lastRefresh             time.Duration // snapshot+render+show of the latest refresh
	screenshotsTaken, steps int
}

func newViewer(w *gpu.Window, t *train.Trainer, out string, refresh int, sc *script, cancel context.CancelFunc) *viewer {
	return &viewer{win: w, src: t, trainer: t, out: out, refresh: refresh, script: sc, cancel: cancel}
}

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
	v.sinceRefresh++
	v.live.add(t.State.Step, st)
	v.status = fmt.Sprintf("%s step %d, loss %.3f", t.Arch.Name, t.State.Step, st.Loss/float64(max(st.N, 1)))
	v.script.stepDone()
	if v.due() {
		v.update(true)
	}
	v.handle(v.poll()) // after the refresh, so that a screenshot shows this step
	v.setTitle()
	var held time.Duration
	for v.paused && !v.quit {
		p := time.Now()
		v.handle(v.wait())
		held += time.Since(p)
	}
	end := time.Now()
	v.cost.paused += held
	v.cost.overhead += end.Sub(start) - held
	v.lastHook = end
}

// onEval is the trainer's evaluation hook: the test curve gained a point.
func (v *viewer) onEval(t *train.Trainer, _ train.Metrics) {
	if v.snap == nil || v.quit {
		return
	}
	start := time.Now()
	v.snap.Series = t.Series()
	v.draw()
	v.cost.overhead += time.Since(start)
	v.lastHook = time.Now() // the evaluation is not a training step
}

// due reports whether the window should refresh after this step.
func (v *viewer) due() bool {
	if v.snap == nil {
		return true
	}
	if v.refresh > 0 {
		return v.sinceRefresh >= v.refresh
	}
	return v.stepTime > 0 && v.cost.lastRefresh.Seconds() <= autoBudget*float64(v.sinceRefresh)*v.stepTime
}

// poll returns the window's pending events and the script's next ones.
func (v *viewer) poll() []gpu.Event { return append(v.win.Poll(), v.script.events(v.win)...) }

// wait is poll for idle loops: it sleeps up to 0.1 s for an event unless the script has one ready.
func (v *viewer) wait() []gpu.Event {
	if ev := v.script.events(v.win); len(ev) > 0 {
		return append(v.win.Poll(), ev...)
	}
	return v.win.Wait(0.1)
}

// handle applies window events: keys, resizes and close requests.
func (v *viewer) handle(evs []gpu.Event) {
	for _, e := range evs {
		switch e.Kind {
		case gpu.Close:
			v.stop()
		case gpu.Resize:
			v.draw()
		case gpu.KeyPress:
			v.key(e.Key)
		}
	}
}

func (v *viewer) key(k string) {
	switch k {
	case "q", "escape":
		v.stop()
	case "space":
		v.paused = !v.paused
		v.setTitle()
	case "l", "right", "down":
		v.layer++
		v.draw()
	case "left", "up":
		v.layer--
		v.draw()
	case "n":
		if v.src == nil {
			return
		}
		if err := v.src.NextProbe(); err != nil {
			v.fail(err)
			return
		}
		v.update(true)
	case "s":
		v.screenshot()
	}
}

// stop ends the session: training checkpoints and returns, browsing returns.
func (v *viewer) stop() {
	v.quit = true
	if v.cancel != nil {
		v.cancel()
	}
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
		v.snap = s
		v.cost.snapshot += time.Since(start)
		v.cost.refreshes++
		v.sinceRefresh = 0
	}
	v.draw()
	if snapshot {
		v.cost.lastRefresh = time.Since(start)
	}
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

// dashboard lays the snapshot and the selected layer out for viz.
func (v *viewer) dashboard() *viz.Dashboard {
	s := v.snap
	if s == nil {
		return &viz.Dashboard{ProbeTitle: v.status} // placeholders until there is something to show
	}
	d := &viz.Dashboard{Filters: s.Filters, K: s.K, C: s.C, R: s.R, S: s.S, Groups: s.Groups,
		// The step goes in the probe's title, so that the filter panel changes only when the filters do.
		FilterTitle: fmt.Sprintf("conv1 filters, %d of %dx%dx%d", s.K, s.C, s.R, s.S),
		Series:      v.live.series(s.Series),
		Probe:       s.Probe, Top: s.Top, Truth: s.Truth,
		ProbeTitle: fmt.Sprintf("probe at step %d (true: %s)  n: next", s.Step, s.Truth)}
	if n := len(s.Acts); n > 0 {
		v.layer = (v.layer%n + n) % n
		a := s.Acts[v.layer]
		d.Act, d.ActC, d.ActH, d.ActW = a.Data, a.Shape.C, a.Shape.H, a.Shape.W
		d.ActCaption = fmt.Sprintf("%s  (layer %d/%d, l/arrows)", viz.ShapeCaption(a.Layer, a.Shape.C, a.Shape.H, a.Shape.W), v.layer+1, n)
	}
	return d
}

func (v *viewer) setTitle() {
	state := "space pause · l/arrows layer · n probe · s screenshot · q quit"
	if v.paused {
		state = "PAUSED (space resumes)"
	}
	v.win.SetTitle(fmt.Sprintf("AlexNet viewer — %s — %s", v.status, state))
}

// screenshot saves the composed dashboard now on screen into the run directory.
func (v *viewer) screenshot() {
	if v.img == nil {
		fmt.Fprintln(os.Stderr, "viewer: nothing drawn yet; no screenshot")
		return
	}
	var step uint32
	if v.snap != nil {
		step = v.snap.Step
	}
	path := filepath.Join(v.out, fmt.Sprintf("screenshot-%08d.png", step))
	for i := 2; fileExists(path); i++ {
		path = filepath.Join(v.out, fmt.Sprintf("screenshot-%08d-%d.png", step, i))
	}
	if err := viz.SavePNG(path, v.img); err != nil {
		v.fail(err)
		return
	}
	v.cost.screenshotsTaken++
	fmt.Fprintf(os.Stderr, "viewer: screenshot %s\n", path)
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
	v.status += " (done)"
	v.setTitle()
	v.script.stopTraining()
	for !v.quit {
		v.handle(v.wait())
	}
}

// report prints what the window cost the training run.
func (v *viewer) report(wall time.Duration) {
	c := v.cost
	training := wall - c.paused - c.overhead
	if c.refreshes == 0 || training <= 0 {
		return
	}
	per := func(d time.Duration, n int) string {
		return (d / time.Duration(max(n, 1))).Round(100 * time.Microsecond).String()
	}
	fmt.Fprintf(os.Stderr, "viewer: %d refreshes in %d steps (snapshot %s, render %s, show %s each); window time %s of %s training: %.2f%% slowdown\n",
		c.refreshes, c.steps, per(c.snapshot, c.refreshes), per(c.render, c.draws), per(c.show, c.draws),
		c.overhead.Round(time.Millisecond), training.Round(time.Millisecond), 100*c.overhead.Seconds()/training.Seconds())
}
