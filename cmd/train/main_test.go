package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
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
// resume; the checkpoint resumes.
func TestSIGINTCheckpoints(t *testing.T) {
	gputest.Device(t) // a device is required to train
	dir, out := t.TempDir(), t.TempDir()
	writeIDX(t, dir, 512)
	cmd := command("--data", dir, "--out", out, "--batch", "16", "--epochs", "50", "--log-format", "json", "--workers", "2")
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
		if strings.Contains(sc.Text(), `"step":11`) { // training is under way
			cmd.Process.Signal(syscall.SIGINT)
			break
		}
	}
	for sc.Scan() {
	}
	err := cmd.Wait()
	if err != nil {
		t.Fatalf("train exited with %v after SIGINT; stderr:\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "interrupted at step") || !strings.Contains(stderr.String(), "--resume") {
		t.Fatalf("stderr lacks the interruption message:\n%s", stderr.String())
	}
	cks := train.Checkpoints(out)
	if len(cks) == 0 {
		t.Fatal("no checkpoint after SIGINT")
	}
	ck, err := train.LoadCheckpoint(cks[len(cks)-1])
	if err != nil || ck.State == nil || ck.State.Step < 11 {
		t.Fatalf("checkpoint %v: state %+v, err %v", cks, ck.State, err)
	}
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
