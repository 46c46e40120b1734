package train

import (
	"strings"
	"testing"

	"github.com/alexnet-vk/alexnet/data"
)

// --steps alone means that many updates whatever the default epochs; --epochs alone that many
// epochs; both stop at whichever comes first, and the log says which. The progress bar counts the
// run's steps, and a resumed run's bar starts at its step.
func TestStepsAndEpochs(t *testing.T) {
	dir := t.TempDir()
	writeIDX(t, dir, 64, 16) // batch 16: 4 steps an epoch; the default 2 epochs are 8 steps
	for _, tc := range []struct {
		flags       []string
		steps       uint64
		log         string
		resume      []string
		resumeSteps uint64
	}{
		{[]string{"--steps", "10"}, 10, "10 steps (2.50 epochs)", []string{"--steps", "14"}, 14},
		{[]string{"--steps", "10", "--epochs", "1"}, 4, "4 steps: --epochs 1 ends the run before --steps 10", nil, 0},
		{[]string{"--steps", "3", "--epochs", "1"}, 3, "3 steps: --steps 3 ends the run before --epochs 1 (4 steps)", nil, 0},
		{[]string{"--epochs", "1"}, 4, "1 epochs (4 steps)", []string{"--epochs", "2"}, 8},
	} {
		c, err := parseFlags(append(tc.flags, "--eval-limit", "16", "--quiet", "--batch", "16", "--workers", "2", "--data", dir, "--out", t.TempDir())...)
		if err != nil {
			t.Fatal(err)
		}
		var bars [][2]uint64
		run := func(c Config) (*Trainer, string) {
			d, l := setup(t)
			tr, err := NewTrainer(d, l, c)
			if err != nil {
				t.Fatal(err)
			}
			var log logLines
			tr.Hooks.Log = log.hook
			tr.Hooks.Step = func(tr *Trainer, _ StepStats) { bars = append(bars, [2]uint64{tr.bar.first, tr.bar.total}) }
			if err := tr.Run(t.Context()); err != nil {
				t.Fatal(err)
			}
			tr.Close()
			return tr, log.String()
		}
		tr, log := run(c)
		if tr.State.Step != tc.steps || !strings.Contains(log, tc.log) || bars[0] != [2]uint64{0, tc.steps} {
			t.Errorf("%v: %d steps, bar (first, total) %v, log:\n%s\nwant %d steps and %q", tc.flags, tr.State.Step, bars[0], log, tc.steps, tc.log)
		}
		if tc.resume == nil {
			continue
		}
		r, _ := parseFlags(append(tc.resume, "--resume", c.Out, "--quiet")...)
		bars = nil
		tr, log = run(r)
		if tr.State.Step != tc.resumeSteps || bars[0] != [2]uint64{tc.steps, tc.resumeSteps} || !strings.Contains(log, "resumed with changes") {
			t.Errorf("%v then %v: %d steps, bar %v; log:\n%s", tc.flags, tc.resume, tr.State.Step, bars[0], log)
		}
	}
}

// --no-augment: centre crops, no flips, no padding shifts, no colour noise, for every architecture.
func TestNoAugmentPlan(t *testing.T) {
	for _, tc := range []struct {
		arch string
		ds   *data.Dataset
	}{
		{"alexnet-small", &data.Dataset{Channels: 1, Height: 28, Width: 28}},
		{"alexnet-tv", &data.Dataset{Channels: 3, Height: 256, Width: 256}},
		{"alexnet", &data.Dataset{Channels: 3, Height: 256, Width: 256}},
	} {
		a, err := Get(tc.arch, 10, tc.ds.Channels, min(tc.ds.Height, tc.ds.Width))
		if err != nil {
			t.Fatal(err)
		}
		c := Defaults()
		on, err := inputPlan(c, a, tc.ds)
		if err != nil {
			t.Fatal(err)
		}
		c.NoAugment = true
		off, err := inputPlan(c, a, tc.ds)
		if err != nil {
			t.Fatal(err)
		}
		if !on.Flip || on.CentreCrop || (on.Pad == 0 && tc.ds.Height == a.In.H) || (tc.ds.Channels == 3 && on.ColorNoise == 0) {
			t.Errorf("%s with augmentation: %+v", tc.arch, on)
		}
		if off.Flip || !off.CentreCrop || off.Pad != 0 || off.ColorNoise != 0 {
			t.Errorf("%s --no-augment: %+v", tc.arch, off)
		}
	}
}
