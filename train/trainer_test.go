package train

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/alexnet-vk/alexnet/data"
	"github.com/alexnet-vk/alexnet/data/datatest"
)

// writeIDX writes a small learnable MNIST-layout dataset (see datatest.WriteIDXSet).
func writeIDX(t *testing.T, dir string, train, test int) {
	t.Helper()
	if err := datatest.WriteIDXSet(dir, train, test); err != nil {
		t.Fatal(err)
	}
}

func smallConfig(t *testing.T, dataDir string) Config {
	c := Defaults()
	c.Data, c.Out, c.Batch, c.Quiet, c.EvalLimit, c.Workers = dataDir, t.TempDir(), 32, true, 64, 2
	return c
}

func runSteps(t *testing.T, c Config, steps int) (*Trainer, []float64) {
	t.Helper()
	d, l := setup(t)
	c.Steps = steps
	c.Epochs = 0
	c.Override("steps", "epochs")
	tr, err := NewTrainer(d, l, c)
	if err != nil {
		t.Fatal(err)
	}
	var losses []float64
	tr.Hooks.Step = func(_ *Trainer, st StepStats) { losses = append(losses, st.Loss) }
	tr.Hooks.Log = func(string, ...any) {}
	if err := tr.Run(context.Background()); err != nil {
		tr.Close()
		t.Fatal(err)
	}
	return tr, losses
}

// A checkpoint written and read back restores every parameter and momentum exactly, and one of
// another architecture is refused naming the mismatch.
func TestCheckpointRoundTrip(t *testing.T) {
	dir := t.TempDir()
	writeIDX(t, dir, 128, 32)
	c := smallConfig(t, dir)
	tr, _ := runSteps(t, c, 3)
	defer tr.Close()
	ck, err := LoadCheckpoint(tr.LastCheckpoint())
	if err != nil {
		t.Fatal(err)
	}
	if ck.State == nil || ck.State.Step != 3 || ck.State.Arch != "alexnet-small" || !reflect.DeepEqual(ck.State.Layers, tr.Arch.Layers) {
		t.Fatalf("state = %+v", ck.State)
	}
	// The input normalisation is recorded: the training set's per-channel moments, as the loader uses.
	st, err := tr.Data.Stats()
	if err != nil {
		t.Fatal(err)
	}
	m, v := data.ChannelMoments(st, 0, 1)
	if nm := ck.State.Norm; nm == nil || nm.Mode != "channel" || len(nm.ChannelMean) != 1 || nm.ChannelMean[0] != m || nm.ChannelVar[0] != v {
		t.Fatalf("recorded normalisation %+v, want channel mean %v variance %v", nm, m, v)
	}
	w0, v0, _ := tr.Net.Weights()
	d, l := setup(t)
	n2, err := NewNet(d, l, tr.Arch, NetConfig{Batch: 32, Seed: 99, Dropout: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer n2.Free()
	if err := ck.Apply(n2, true); err != nil {
		t.Fatal(err)
	}
	w1, v1, _ := n2.Weights()
	for i := range w0 {
		for j := range w0[i] {
			if w0[i][j] != w1[i][j] || v0[i][j] != v1[i][j] {
				t.Fatalf("%s[%d] differs after the round trip", tr.Net.Params[i].Name, j)
			}
		}
	}
	other, _ := Get("alexnet-small", 7, 1, 28)
	n3, err := NewNet(d, l, other, NetConfig{Batch: 4, Dropout: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer n3.Free()
	err = ck.Apply(n3, false)
	if err == nil || !strings.Contains(err.Error(), "fc8.weight") {
		t.Fatalf("applying a 10-class checkpoint to a 7-class net: err = %v, want one naming fc8.weight", err)
	}
}

// A diverging run stops at once with a message naming the step and keeps the last good checkpoint.
func TestNaNStops(t *testing.T) {
	dir := t.TempDir()
	writeIDX(t, dir, 128, 32)
	c := smallConfig(t, dir)
	c.LR, c.Steps, c.Epochs, c.CheckpointEvery = 1e6, 50, 0, 1
	d, l := setup(t)
	tr, err := NewTrainer(d, l, c)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	tr.Hooks.Log = func(string, ...any) {}
	runErr := tr.Run(context.Background())
	if runErr == nil || !strings.Contains(runErr.Error(), "at step") || !strings.Contains(runErr.Error(), "diverged") || !strings.Contains(runErr.Error(), "last good checkpoint") {
		t.Fatalf("err = %v, want a divergence error naming the step", runErr)
	}
	good := Checkpoints(c.Out)
	if len(good) == 0 {
		t.Fatal("no checkpoint survived")
	}
	ck, err := LoadCheckpoint(good[len(good)-1])
	if err != nil {
		t.Fatal(err)
	}
	for _, ts := range ck.Tensors {
		for _, v := range ts.Data {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				t.Fatalf("the kept checkpoint holds a non-finite %s", ts.Name)
			}
		}
	}
	t.Log(runErr)
}

// Errors a person can act on.
func TestTrainerErrors(t *testing.T) {
	dir := t.TempDir()
	writeIDX(t, dir, 64, 16)
	d, l := setup(t)
	usedOut := t.TempDir()
	os.WriteFile(filepath.Join(usedOut, "checkpoint-00000007.safetensors"), nil, 0o644)
	for _, tc := range []struct {
		mod  func(*Config)
		want string
	}{
		{func(c *Config) { c.Arch = "resnet" }, `--arch: unknown architecture "resnet"`},
		{func(c *Config) { c.Arch = "alexnet" }, "--resize"},
		{func(c *Config) { c.Data = filepath.Join(dir, "missing") }, "missing"},
		{func(c *Config) { c.Out = "/proc/alexnet-run" }, "--out"},
		{func(c *Config) { c.LR = -1 }, "--lr"},
		{func(c *Config) { c.Schedule = "cosine" }, "--lr-schedule"},
		{func(c *Config) { c.Out = usedOut }, "already holds checkpoints"},
		{func(c *Config) { c.Classes = 5 }, "--classes 5: "},
		{func(c *Config) { c.Batch = 100 }, "larger than the 64 training images"},
		{func(c *Config) { c.Resume = filepath.Join(usedOut, "checkpoint-00000007.safetensors") }, "--resume"},
	} {
		c := smallConfig(t, dir)
		c.Steps = 1
		tc.mod(&c)
		tr, err := NewTrainer(d, l, c)
		if err == nil {
			err = tr.Run(context.Background())
			tr.Close()
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("err = %v, want one mentioning %q", err, tc.want)
		}
	}
}

// --lr-schedule linear: each update uses base·(total − step)/total, so the lr falls in a straight
// line to base/total at the last of the run's updates.
func TestLinearSchedule(t *testing.T) {
	dir := t.TempDir()
	writeIDX(t, dir, 128, 32)
	c := smallConfig(t, dir)
	c.Schedule, c.LR = "linear", 0.08
	d, l := setup(t)
	c.Steps, c.Epochs = 4, 0
	tr, err := NewTrainer(d, l, c)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	var lrs []float64
	tr.Hooks.Step = func(tr *Trainer, _ StepStats) { lrs = append(lrs, tr.State.LR) }
	tr.Hooks.Log = func(string, ...any) {}
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The hook runs after update k and sees the lr of update k+1 (the first used 0.08); after the
	// last update the rate stays at base/total.
	want := []float64{0.06, 0.04, 0.02, 0.02}
	if len(lrs) != len(want) {
		t.Fatalf("lr per update %v, want %v", lrs, want)
	}
	for i := range want {
		if math.Abs(lrs[i]-want[i]) > 1e-12 {
			t.Fatalf("lr per update %v, want %v", lrs, want)
		}
	}
}

// A checkpoint records its layers: resuming it, and RecordedArch, give the net as trained even
// where the named architecture's definition now differs (here a narrower fc6 than Small's).
func TestResumeRecordedLayers(t *testing.T) {
	dir := t.TempDir()
	writeIDX(t, dir, 64, 32)
	d, l := setup(t)
	a := Small(10, 1, 28)
	for i := range a.Layers {
		if a.Layers[i].Name == "fc6" {
			a.Layers[i].Out = 96
		}
	}
	n, err := NewNet(d, l, a, NetConfig{Batch: 32, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Free()
	path := filepath.Join(t.TempDir(), "checkpoint-00000002.safetensors")
	st := State{Arch: a.Name, Classes: 10, Channels: 1, InputSize: 28, Layers: a.Layers, Step: 2, LR: 0.01, BatchSize: 32, Data: dir}
	if err := SaveCheckpoint(path, n, st); err != nil {
		t.Fatal(err)
	}
	ck, err := LoadCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	ra, ok, err := ck.State.RecordedArch()
	if err != nil || !ok || !SameLayers(ra, a) || SameLayers(ra, Small(10, 1, 28)) {
		t.Fatalf("RecordedArch: ok %v, err %v, same as saved %v", ok, err, SameLayers(ra, a))
	}
	c := smallConfig(t, dir)
	c.Resume = path
	tr, _ := runSteps(t, c, 3)
	defer tr.Close()
	if !SameLayers(tr.Arch, a) {
		t.Fatalf("resumed as %+v, want the recorded layers", tr.Arch.Layers)
	}
	ck2, err := LoadCheckpoint(tr.LastCheckpoint())
	if err != nil {
		t.Fatal(err)
	}
	if ck2.State.Step != 3 || !reflect.DeepEqual(ck2.State.Layers, a.Layers) {
		t.Fatalf("the resumed run's checkpoint: step %d, layers recorded %v", ck2.State.Step, reflect.DeepEqual(ck2.State.Layers, a.Layers))
	}
	// A record that is not a valid net is refused with a reason.
	bad := *ck.State
	bad.Layers = bad.Layers[:len(bad.Layers)-1]
	if _, _, err := bad.RecordedArch(); err == nil || !strings.Contains(err.Error(), "recorded") {
		t.Fatalf("a recorded arch without its classifier: err = %v", err)
	}
}
