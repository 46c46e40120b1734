package train

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// resumeConfig is the run of the resume tests: 16 steps an epoch, an evaluation every 4 steps, a
// checkpoint every 5, the paper schedule with patience 1 (so lr drops happen), dropout and
// augmentation on: everything a resumed run must continue exactly.
func resumeConfig(t *testing.T, dataDir string) Config {
	c := smallConfig(t, dataDir)
	c.Batch, c.Steps, c.Epochs, c.EvalEvery, c.CheckpointEvery, c.Keep, c.Patience = 16, 20, 0, 4, 5, 3, 1
	return c
}

// trainUntil runs c, cancelling the run after step stop (0: never), and returns the log.
func trainUntil(t *testing.T, c Config, stop uint64) (*Trainer, string) {
	t.Helper()
	d, l := setup(t)
	tr, err := NewTrainer(d, l, c)
	if err != nil {
		t.Fatal(err)
	}
	var log logLines
	tr.Hooks.Log = log.hook
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tr.Hooks.Step = func(tr *Trainer, _ StepStats) {
		if tr.State.Step == stop {
			cancel()
		}
	}
	err = tr.Run(ctx)
	if stop > 0 && !errors.Is(err, ErrInterrupted) || stop == 0 && err != nil {
		tr.Close()
		t.Fatalf("run to %d: %v\nlog:\n%s", stop, err, &log)
	}
	return tr, log.String()
}

// metricsRows reads dir's metrics.csv without the img_per_s column (a timing).
func metricsRows(t *testing.T, dir string) []string {
	return csvRows(t, filepath.Join(dir, "metrics.csv"))
}

// csvRows reads a run's CSV file without its last column (img_per_s, a timing).
func csvRows(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, ln := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Split(ln, ",")
		rows = append(rows, strings.Join(f[:len(f)-1], ","))
	}
	return rows
}

// A run interrupted twice (mid-epoch, then right after an epoch's last step), whose newest
// checkpoint was then truncated by a crash and whose metrics.csv got a row past its checkpoint and
// a torn line, resumed each time with nothing but Resume set, ends bit-identical to the
// uninterrupted run: the same weights and momenta, and the same metrics rows.
func TestResumeBitIdentical(t *testing.T) {
	dataDir := t.TempDir()
	writeIDX(t, dataDir, 256, 64)
	full, _ := trainUntil(t, resumeConfig(t, dataDir), 0)
	wantW, wantV, err := full.Net.Weights()
	full.Close()
	if err != nil {
		t.Fatal(err)
	}
	wantRows := metricsRows(t, full.Cfg.Out)
	wantHist := csvRows(t, filepath.Join(full.Cfg.Out, "history.csv"))

	c := resumeConfig(t, dataDir)
	out := c.Out
	first, _ := trainUntil(t, c, 7)
	first.Close()
	// A crash: the newest checkpoint (step 7) torn, an evaluation row written after the step-5
	// checkpoint, and half a line.
	torn := checkpointName(out, 7)
	b, err := os.ReadFile(torn)
	if err != nil {
		t.Fatalf("no checkpoint at the interruption: %v", err)
	}
	os.WriteFile(torn, b[:len(b)/3], 0o644)
	f, _ := os.OpenFile(filepath.Join(out, "metrics.csv"), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("6,0.3750,0.01,1,0,0,1,0,0,99.0\n8,0.5,0.0")
	f.Close()
	os.WriteFile(filepath.Join(out, ".checkpoint-000000000006.safetensors.tmp-4242-42"), []byte("half"), 0o644)

	resume := Defaults()
	resume.Resume, resume.Quiet = out, true // Quiet is the terminal's, not recorded
	second, log := trainUntil(t, resume, 16)
	second.Close()
	for _, want := range []string{"skipping " + filepath.Base(torn), "resuming from step 5 (epoch 1, batch 5 of 16)",
		"removed 1 temporary file", "20 steps (1.25 epochs)"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	if second.Cfg.Out != out || second.Cfg.Batch != 16 || second.Cfg.Steps != 20 || second.Cfg.Epochs != 0 || second.Cfg.EvalEvery != 4 {
		t.Errorf("resumed configuration %+v", second.Cfg)
	}
	third, log := trainUntil(t, resume, 0)
	if !strings.Contains(log, "resuming from step 16 (epoch 1, batch 16 of 16)") {
		t.Errorf("log lacks the second resumption:\n%s", log)
	}
	gotW, gotV, err := third.Net.Weights()
	third.Close() // releases the run directory's lock
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range third.Net.Params {
		if !slices.Equal(gotW[i], wantW[i]) || !slices.Equal(gotV[i], wantV[i]) {
			t.Fatalf("%s differs from the uninterrupted run's", p.Name)
		}
	}
	if got := metricsRows(t, out); !slices.Equal(got, wantRows) {
		t.Fatalf("metrics.csv rows\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantRows, "\n"))
	}
	if got := csvRows(t, filepath.Join(out, "history.csv")); !slices.Equal(got, wantHist) || len(got) != 21 {
		t.Fatalf("history.csv rows\n%s\nwant (21 lines)\n%s", strings.Join(got, "\n"), strings.Join(wantHist, "\n"))
	}
	ck, err := LoadCheckpoint(third.LastCheckpoint())
	if err != nil || ck.State.Step != 20 || ck.State.RunID != first.State.RunID {
		t.Fatalf("final checkpoint: %v, state %+v (run id of the first part %s)", err, ck.State, first.State.RunID)
	}
	// Nothing left to do: resuming a finished run says so and changes nothing.
	done, log := trainUntil(t, resume, 0)
	done.Close()
	if !strings.Contains(log, "nothing to do") {
		t.Errorf("resuming a finished run:\n%s", log)
	}
}

// Every recorded training flag round-trips through a real checkpoint: set each to a value other
// than its default, train a step, and a run resumed with only Resume has them all back; explicit
// flags override with a line naming each change. Adding a flag to the registry without a test
// value here fails, so resume cannot forget a new flag.
func TestResumeRestoresEveryFlag(t *testing.T) {
	dataDir := t.TempDir()
	writeIDX(t, dataDir, 64, 32)
	set := map[string]string{
		"data": dataDir, "format": "idx", "holdout": "0.25", "arch": "alexnet-small", "classes": "12", "channels": "3",
		"resize": "32", "epochs": "3", "steps": "2", "batch": "8", "micro-batch": "4", "lr": "0.02", "momentum": "0.8",
		"weight-decay": "0.0001", "no-bias-decay": "true", "dropout": "0.25", "no-augment": "true", "lr-schedule": "step:2,2.5",
		"patience": "3", "seed": "77", "eval-every": "5", "eval-limit": "16", "ten-crop": "true", "viz-every": "9", "history-every": "2",
		"checkpoint-every": "11", "keep": "4",
		// not recorded: the resumed values come from the resuming command line
		"out": t.TempDir(), "log-format": "json", "workers": "1", "quiet": "true", "init": "", "resume": "",
	}
	var args []string
	for _, d := range flagDefs {
		v, ok := set[d.name]
		if !ok {
			t.Fatalf("--%s has no test value: add one to this test", d.name)
		}
		if d.name == "init" || d.name == "resume" {
			continue
		}
		// (alexnet-small is the only architecture quick enough here; TestRestoreConfig covers --arch)
		if def := d.value(ptr(Defaults())).String(); def == v && d.notRecorded == "" && d.name != "arch" {
			t.Fatalf("--%s %s is its default: choose another value", d.name, v)
		}
		args = append(args, "--"+d.name+"="+v)
	}
	c, err := parseFlags(args...)
	if err != nil {
		t.Fatal(err)
	}
	c.LogFormat = "text" // keep the test's stdout clean
	tr, _ := trainUntil(t, c, 0)
	tr.Close()
	r, err := parseFlags("--resume", c.Out, "--lr", "0.03", "--quiet")
	if err != nil {
		t.Fatal(err)
	}
	d, l := setup(t)
	tr2, err := NewTrainer(d, l, r)
	if err != nil {
		t.Fatal(err)
	}
	defer tr2.Close()
	for _, def := range flagDefs {
		got := def.value(&tr2.Cfg).String()
		want := set[def.name]
		switch def.name {
		case "lr":
			want = "0.03"
		case "out":
			want = c.Out
		case "resume":
			want = c.Out
		case "log-format", "workers":
			want = def.value(ptr(Defaults())).String()
		}
		if got != want {
			t.Errorf("resumed --%s = %q, want %q", def.name, got, want)
		}
	}
	if len(tr2.notes) == 0 || !strings.Contains(strings.Join(tr2.notes, "\n"), "--lr 0.02 → 0.03") {
		t.Errorf("notes %q lack the change of --lr", tr2.notes)
	}
}

func ptr(c Config) *Config { return &c }

// --resume A --out B continues A's run in B (A untouched, B gets A's metrics rows), and refuses a B
// that holds another run's checkpoints, leaving them as they were.
func TestResumeIntoOtherOut(t *testing.T) {
	dataDir := t.TempDir()
	writeIDX(t, dataDir, 128, 32)
	a := smallConfig(t, dataDir)
	a.Steps, a.Epochs, a.EvalEvery = 3, 0, 3
	tr, _ := trainUntil(t, a, 0)
	tr.Close()
	before := Checkpoints(a.Out)

	other := smallConfig(t, dataDir)
	other.Steps, other.Epochs = 2, 0
	tr, _ = trainUntil(t, other, 0)
	tr.Close()
	otherFiles := Checkpoints(other.Out)

	d, l := setup(t)
	c, _ := parseFlags("--resume", a.Out, "--out", other.Out, "--steps", "5", "--quiet")
	tr, err := NewTrainer(d, l, c)
	if err != nil {
		t.Fatal(err)
	}
	err = tr.Run(context.Background())
	tr.Close()
	if err == nil || !strings.Contains(err.Error(), "another run") {
		t.Fatalf("--resume A --out B(other run): %v", err)
	}
	if got := Checkpoints(other.Out); !slices.Equal(got, otherFiles) {
		t.Fatalf("B's checkpoints changed: %v, were %v", got, otherFiles)
	}

	b := t.TempDir()
	c, _ = parseFlags("--resume", a.Out, "--out", b, "--steps", "5", "--quiet")
	tr, log := trainUntil(t, c, 0)
	tr.Close()
	if !strings.Contains(log, "--steps 3 → 5") || tr.State.Step != 5 {
		t.Fatalf("resumed into B at step %d; log:\n%s", tr.State.Step, log)
	}
	if got := Checkpoints(a.Out); !slices.Equal(got, before) {
		t.Fatalf("A's checkpoints changed: %v, were %v", got, before)
	}
	hb, _ := os.ReadFile(filepath.Join(b, "history.csv"))
	if hist := strings.Split(strings.TrimSpace(string(hb)), "\n"); len(hist) != 6 || !strings.HasPrefix(hist[1], "1,") || !strings.HasPrefix(hist[5], "5,") {
		t.Fatalf("B's history.csv (want A's steps 1-3 and B's 4-5): %q", hist)
	}
	rows := metricsRows(t, b)
	if len(rows) != 4 || !strings.HasPrefix(rows[1], "3,") || !strings.HasPrefix(rows[2], "4,") || !strings.HasPrefix(rows[3], "5,") {
		t.Fatalf("B's metrics.csv: %q", rows)
	}
}
