package main

import (
	"slices"
	"testing"
	"time"

	"github.com/alexnet-vk/alexnet/gpu/window"
	"github.com/alexnet-vk/alexnet/train"
)

// trainSnapshot and trainTrainer stand for a snapshot taken and a run in progress.
var (
	trainSnapshot train.Snapshot
	trainTrainer  train.Trainer
)

// Automatic refreshes happen as soon as their cost fits their share of the training time since the
// last one, and --refresh N forces a full one every N steps.
func TestRefreshPolicy(t *testing.T) {
	for _, tc := range []struct {
		refresh     int
		stepTime    float64
		lastFull    time.Duration
		wantFullAt  int // first step count since the last full refresh at which one is due
		lastLight   time.Duration
		wantLightAt int
	}{ // costs just under a whole number of steps' budget, clear of rounding at the boundary
		{refresh: 0, stepTime: 1, lastFull: 490 * time.Millisecond, wantFullAt: 25, lastLight: 49 * time.Millisecond, wantLightAt: 5},
		{refresh: 0, stepTime: 0.01, lastFull: 19 * time.Millisecond, wantFullAt: 95, lastLight: 1900 * time.Microsecond, wantLightAt: 19},
		{refresh: 7, stepTime: 1, lastFull: 5 * time.Second, wantFullAt: 7, lastLight: 49 * time.Millisecond, wantLightAt: 5},
	} {
		v := &viewer{refresh: tc.refresh, stepTime: tc.stepTime, snap: &trainSnapshot, trainer: &trainTrainer}
		v.cost.lastFull, v.cost.lastLight = tc.lastFull, tc.lastLight
		full, light := 0, 0
		for n := 1; n <= 1000 && (full == 0 || light == 0); n++ {
			v.sinceFull, v.sinceLight = n, n
			if full == 0 && v.dueFull() {
				full = n
			}
			if light == 0 && v.dueLight() {
				light = n
			}
		}
		if full != tc.wantFullAt || light != tc.wantLightAt {
			t.Errorf("%+v: full refresh due after %d steps, light after %d; want %d and %d", tc, full, light, tc.wantFullAt, tc.wantLightAt)
		}
	}
	if v := (&viewer{}); !v.dueFull() {
		t.Error("no snapshot yet, and no full refresh due")
	}
	if v := (&viewer{snap: &trainSnapshot, trainer: &trainTrainer}); v.dueFull() || v.dueLight() {
		t.Error("refresh due before any step time was measured")
	}
}

// Scripts parse into actions, wait for their steps, and reject unknown tokens.
func TestScript(t *testing.T) {
	sc, err := parseScript("s steps:2 space close steps:1 q")
	if err != nil {
		t.Fatal(err)
	}
	keys := func(evs []window.Event) []string {
		var out []string
		for _, e := range evs {
			if e.Kind == window.Close {
				out = append(out, "close")
			} else {
				out = append(out, e.Key)
			}
		}
		return out
	}
	var got [][]string
	for step := 0; step < 5; step++ {
		if step > 0 {
			sc.stepDone()
		}
		got = append(got, keys(sc.events(nil)))
	}
	want := [][]string{{"s"}, nil, {"space", "close"}, {"q"}, nil}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("events by step %q, want %q", got, want)
	}
	sc, _ = parseScript("steps:100 q")
	sc.events(nil)
	sc.stopTraining()
	if k := keys(sc.events(nil)); !slices.Equal(k, []string{"q"}) {
		t.Errorf("after training stopped: %q, want the q behind steps:100", k)
	}
	for _, bad := range []string{"steps:0", "steps:", "resize:10", "resize:0x5", "jump"} {
		if _, err := parseScript(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	if sc, err := parseScript("  "); sc != nil || err != nil {
		t.Errorf("blank script: %v, %v", sc, err)
	}
}
