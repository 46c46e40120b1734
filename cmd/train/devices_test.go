package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alexnet-vk/alexnet/gpu/gputest"
)

// Two data-parallel devices in one process, and the split over two devices, train as one device:
// their checkpoints after 3 steps of alexnet-small agree within 1e-5 per tensor (lavapipe opens the
// same device twice).
func TestDevicesAndSplitEqualOneDevice(t *testing.T) {
	gputest.Device(t)
	dir := t.TempDir()
	writeIDX(t, dir, 256)
	outs := map[string]string{}
	for _, mode := range [][]string{nil, {"--devices", "0,0"}, {"--split", "2"}} {
		out := t.TempDir()
		args := append([]string{"--data", dir, "--out", out, "--batch", "8", "--steps", "3", "--eval-limit", "16", "--workers", "2"}, mode...)
		log := runOK(t, strings.Join(mode, " "), command(args...))
		want := map[string]string{"": "device: llvmpipe", "--devices": "2 data-parallel replicas", "--split": "2 towers of the split"}
		if k := strings.Join(mode, " "); len(mode) > 0 && !strings.Contains(log, want[mode[0]]) {
			t.Fatalf("%s: the log does not say %q:\n%s", k, want[mode[0]], log)
		}
		outs[strings.Join(mode, " ")] = out
	}
	ck := "checkpoint-000000000003.safetensors"
	for _, k := range []string{"--devices 0,0", "--split 2"} {
		sameCheckpoints(t, filepath.Join(outs[k], ck), filepath.Join(outs[""], ck), 1e-5)
	}
}

func TestPlacementErrors(t *testing.T) {
	gputest.Device(t)
	dir := t.TempDir()
	writeIDX(t, dir, 64)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--split", "1"}, "--split 1"},
		{[]string{"--devices", "0,"}, "an empty entry"},
		{[]string{"--split", "2", "--devices", "0"}, "--split 2 needs 2 devices"},
		{[]string{"--devices", "0,0", "--device", "0"}, "give one of them"},
		{[]string{"--devices", "0,99"}, "no such device"},
		{[]string{"--split", "3", "--arch", "alexnet-small"}, "do not split over 3 towers"},
	} {
		cmd := command(append([]string{"--data", dir, "--steps", "1", "--batch", "16", "--out", t.TempDir()}, tc.args...)...)
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		if code != 1 || !strings.Contains(string(out), tc.want) || strings.Contains(string(out), "panic:") {
			t.Errorf("train %v: exit %d, want 1 with %q; output:\n%s", tc.args, code, tc.want, out)
		}
	}
}
