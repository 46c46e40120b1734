package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/alexnet-vk/alexnet/data/datatest"
	"github.com/alexnet-vk/alexnet/gpu/gputest"
	"github.com/alexnet-vk/alexnet/train"
)

// TestMain doubles as the train command when ALEXNET_TRAIN_MAIN=1, so tests can run it as a real
// process (signals, exit codes) without building a binary.
func TestMain(m *testing.M) {
	if os.Getenv("ALEXNET_TRAIN_MAIN") == "1" {
		os.Args = append([]string{"train"}, strings.Split(os.Getenv("ALEXNET_TRAIN_ARGS"), "\x1f")...)
		os.Exit(run())
	}
	os.Exit(m.Run())
}

func command(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "ALEXNET_TRAIN_MAIN=1", "ALEXNET_TRAIN_ARGS="+strings.Join(args, "\x1f"))
	return cmd
}

// writeIDX writes a small learnable MNIST-layout dataset: n training and n/4 test images.
func writeIDX(t *testing.T, dir string, n int) {
	t.Helper()
	if err := datatest.WriteIDXSet(dir, n, n/4); err != nil {
		t.Fatal(err)
	}
}

// SIGINT finishes the step in flight, writes a checkpoint and exits 0 with a message saying how to
// resume; `train --resume DIR`, with no other flag, then continues the run in DIR, its progress
// starting at the interrupted step, and ends bit-identical to an uninterrupted run: the same
// final checkpoint (weights, momenta) and the same metrics rows (img/s aside).
func TestSIGINTThenResume(t *testing.T) {
	gputest.Device(t) // a device is required to train
	dir, full, out := t.TempDir(), t.TempDir(), t.TempDir()
	writeIDX(t, dir, 128) // 16 steps an epoch: the run crosses one epoch's end
	// Winograd forced for the 3×3 layers of both runs; the resumed run, on the default --conv-algo
	// auto, must reuse the checkpoint's choice rather than time its own (which could differ).
	flags := []string{"--data", dir, "--batch", "8", "--steps", "24", "--eval-every", "6", "--eval-limit", "32", "--log-format", "json", "--workers", "2",
		"--conv-algo", "winograd"}
	if b, err := command(append(flags, "--out", full)...).CombinedOutput(); err != nil {
		t.Fatalf("uninterrupted run: %v\n%s", err, b)
	}
	cmd := command(append(flags, "--out", out)...)
	stdout, _ := cmd.StdoutPipe()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	deadline := time.AfterFunc(3*time.Minute, func() { cmd.Process.Kill() })
	defer deadline.Stop()
	for sc.Scan() {
		if strings.Contains(sc.Text(), `"step":`) { // training is under way
			cmd.Process.Signal(syscall.SIGINT)
			break
		}
	}
	for sc.Scan() {
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("train exited with %v after SIGINT; stderr:\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "interrupted at step") || !strings.Contains(stderr.String(), "--resume "+out) {
		t.Fatalf("stderr lacks the interruption message:\n%s", stderr.String())
	}
	cks := train.Checkpoints(out)
	if len(cks) == 0 {
		t.Fatal("no checkpoint after SIGINT")
	}
	ck, err := train.LoadCheckpoint(cks[len(cks)-1])
	if err != nil || ck.State == nil || ck.State.Step < 1 || ck.State.Step >= 24 {
		t.Fatalf("checkpoint %v: state %+v, err %v (the run was not interrupted?)", cks, ck.State, err)
	}
	stopped := ck.State.Step
	if a := ck.State.ConvAlgos["conv3"]; a.Fwd != "winograd" || a.Data != "winograd" || a.Filter != "winograd" {
		t.Fatalf("checkpoint records conv algorithms %v", ck.State.ConvAlgos)
	}

	resumed := command("--resume", out) // nothing else: the progress shows as a bar (--log-format is the terminal's)
	b, err := resumed.CombinedOutput()
	if err != nil {
		t.Fatalf("train --resume %s: %v\n%s", out, err, b)
	}
	for _, want := range []string{fmt.Sprintf("resuming from step %d ", stopped), fmt.Sprintf("(%d/24)", stopped),
		"conv3: fwd winograd, data winograd, filter winograd (--conv-algo auto, recorded choice)"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("train --resume output lacks %q (the run and its bar start at the interrupted step):\n%s", want, b)
		}
	}
	want, got := loadNewest(t, full), loadNewest(t, out)
	if want.State.Step != 24 || got.State.Step != 24 || len(want.Tensors) != len(got.Tensors) {
		t.Fatalf("final checkpoints at steps %d and %d", want.State.Step, got.State.Step)
	}
	for i := range want.Tensors {
		if want.Tensors[i].Name != got.Tensors[i].Name || !slices.Equal(want.Tensors[i].Data, got.Tensors[i].Data) {
			t.Fatalf("%s differs from the uninterrupted run's", want.Tensors[i].Name)
		}
	}
	if a, b := metricRows(t, full), metricRows(t, out); !slices.Equal(a, b) {
		t.Fatalf("metrics.csv rows\n%s\nwant\n%s", strings.Join(b, "\n"), strings.Join(a, "\n"))
	}
}

// loadNewest loads dir's newest checkpoint.
func loadNewest(t *testing.T, dir string) *train.Checkpoint {
	t.Helper()
	cks := train.Checkpoints(dir)
	if len(cks) == 0 {
		t.Fatalf("no checkpoint in %s", dir)
	}
	ck, err := train.LoadCheckpoint(cks[len(cks)-1])
	if err != nil {
		t.Fatal(err)
	}
	return ck
}

// metricRows reads dir's metrics.csv without its last column (img/s, a timing).
func metricRows(t *testing.T, dir string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "metrics.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, ln := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		rows = append(rows, ln[:strings.LastIndex(ln, ",")])
	}
	return rows
}

// Usage errors and bad input give a message and a non-zero exit, never a stack trace.
func TestCommandErrors(t *testing.T) {
	gputest.Device(t)
	dir := t.TempDir()
	writeIDX(t, dir, 64)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--help"}, 0, "Examples:"},
		{[]string{"--bogus"}, 2, "unknown flag"},
		{[]string{"--arch", "lenet", "--data", dir}, 2, `"--arch" flag: unknown architecture "lenet"`},
		{[]string{"--arch", "alexnet", "--data", dir, "--steps", "1"}, 1, "--resize"},
		{[]string{"--data", filepath.Join(dir, "nope")}, 1, "nope"},
		{[]string{"--resume", filepath.Join(dir, "nope")}, 1, "--resume"},
		{[]string{"--dropout", "NaN"}, 2, `"--dropout" flag: NaN: need a finite number`},
		{[]string{"--lr", "Inf"}, 2, `"--lr" flag`},
		{[]string{"--micro-batch", "-1"}, 2, `"--micro-batch" flag: -1: need at least 0`},
		{[]string{"--classes", "-1"}, 2, `"--classes" flag`},
		{[]string{"--eval-every", "-1"}, 2, `"--eval-every" flag`},
		{[]string{"--holdout", "1"}, 2, `"--holdout" flag`},
		{[]string{"--resume", dir, "--init", "w.pth"}, 1, "drop --init"},
		{[]string{"--arch", "alexnet", "--summary", "--classes", "1000", "--channels", "3"}, 0, "60965224"},
	} {
		cmd := command(tc.args...)
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		if code != tc.code || !strings.Contains(string(out), tc.want) || strings.Contains(string(out), "panic:") {
			t.Errorf("train %v: exit %d, want %d with %q; output:\n%s", tc.args, code, tc.code, tc.want, out)
		}
	}
}
