package main

import (
	"fmt"
	"os"
	"time"
)

// costs accounts for the time the window takes from training.
type costs struct {
	fulls, lights, draws            int
	snapshot, weights, render, show time.Duration
	overhead                        time.Duration // hook time spent for the window, pauses excluded
	paused                          time.Duration
	evalDraws                       time.Duration // redraws during evaluations (not training time)
	lastFull, lastLight             time.Duration // the latest refreshes, drawing included
	steps                           int
}

// report prints what the window cost the training run.
func (v *viewer) report(wall time.Duration) {
	c := v.cost
	training := wall - c.paused - c.overhead - c.evalDraws
	if c.fulls == 0 || training <= 0 {
		return
	}
	per := func(d time.Duration, n int) string {
		return (d / time.Duration(max(n, 1))).Round(100 * time.Microsecond).String()
	}
	fmt.Fprintf(os.Stderr, "viewer: in %d steps, %d full refreshes (snapshot %s each) and %d of the filters alone (weights %s each); %d draws (render %s, show %s each); window time %s of %s training: %.2f%% slowdown\n",
		c.steps, c.fulls, per(c.snapshot, c.fulls), c.lights, per(c.weights, c.lights), c.draws, per(c.render, c.draws), per(c.show, c.draws),
		c.overhead.Round(time.Millisecond), training.Round(time.Millisecond), 100*c.overhead.Seconds()/training.Seconds())
	if c.evalDraws > 0 {
		fmt.Fprintf(os.Stderr, "viewer: status redraws during evaluations took %s\n", c.evalDraws.Round(time.Millisecond))
	}
}
