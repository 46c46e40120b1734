package main

import (
	"bufio"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alexnet-vk/alexnet/gpu/gputest"
	"github.com/alexnet-vk/alexnet/train"
)

// mpirun returns a command that runs the test binary as `train args…` in np ranks under Open MPI's
// mpirun (as root too, more ranks than cores, threads free to use every core: lavapipe's threads
// would otherwise share the one core each rank is bound to).
func mpirun(t *testing.T, np int, mca []string, args ...string) *exec.Cmd {
	t.Helper()
	if _, err := exec.LookPath("mpirun"); err != nil {
		if gputest.Required() {
			t.Fatalf("mpirun not found (make setup installs openmpi-bin): %v", err)
		}
		t.Skipf("mpirun not found and no device required: %v", err)
	}
	a := []string{"--allow-run-as-root", "--oversubscribe", "--bind-to", "none", "-np", strconv.Itoa(np)}
	for i := 0; i+1 < len(mca); i += 2 {
		a = append(a, "--mca", mca[i], mca[i+1])
	}
	a = append(a, "-x", "ALEXNET_TRAIN_MAIN", "-x", "ALEXNET_TRAIN_ARGS", os.Args[0], "-test.run=^$")
	cmd := exec.Command("mpirun", a...)
	cmd.Env = append(os.Environ(), "ALEXNET_TRAIN_MAIN=1", "ALEXNET_TRAIN_ARGS="+strings.Join(args, "\x1f"))
	return cmd
}

func runOK(t *testing.T, what string, cmd *exec.Cmd) string {
	t.Helper()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", what, err, out)
	}
	return string(out)
}

// sameCheckpoints fails t when a tensor (weights and momenta) of two checkpoints differs by more than
// tol relative to its scale (max |a−b| / max |b|).
func sameCheckpoints(t *testing.T, a, b string, tol float64) {
	t.Helper()
	ca, err := train.LoadCheckpoint(a)
	if err != nil {
		t.Fatal(err)
	}
	cb, err := train.LoadCheckpoint(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(ca.Tensors) != len(cb.Tensors) || ca.State.Step != cb.State.Step || ca.State.Epoch != cb.State.Epoch || ca.State.Batch != cb.State.Batch {
		t.Fatalf("%s and %s: %d and %d tensors, states %+v and %+v", a, b, len(ca.Tensors), len(cb.Tensors), *ca.State, *cb.State)
	}
	worst := 0.0
	for i, ta := range ca.Tensors {
		tb := cb.Tensors[i]
		var d, m float64
		for j := range tb.Data {
			d = math.Max(d, math.Abs(float64(ta.Data[j])-float64(tb.Data[j])))
			m = math.Max(m, math.Abs(float64(tb.Data[j])))
		}
		e := d / math.Max(m, 1e-30)
		worst = math.Max(worst, e)
		if ta.Name != tb.Name || !(e <= tol) {
			t.Errorf("%s: relative error %.3g (%s), want ≤ %g", ta.Name, e, tb.Name, tol)
		}
	}
	t.Logf("%s vs %s: largest relative error over %d tensors %.2g", filepath.Base(filepath.Dir(a)), filepath.Base(filepath.Dir(b)), len(ca.Tensors), worst)
}

// Two MPI ranks, each training half of every batch on its own device, equal one process training
// the whole batch: 5 steps of alexnet-small, dropout and augmentation on, every tensor within 1e-5.
// Each run then resumes with the other rank count, and the two agree again.
//
// The conv algorithm is fixed (direct): --conv-algo auto could choose differently for rank 0
// (micro-batch 8) and the one process (16), and the continuation is chaotic: multiplying every
// tensor of the step-5 checkpoint by 1 + 1e-6·N(0,1) moves step 8 by up to 5e-2 (relative, momenta)
// under direct and F(2×2,3×3) alike (a ReLU or pooling decision flips), so it holds to 1e-5 only
// while the two sides round alike. Winograd F(4×4,3×3), the form with the largest rounding, gets
// the 5-step comparison of its own.
func TestMPIRanksEqualOneProcess(t *testing.T) {
	gputest.Device(t)
	dir, one, two := t.TempDir(), t.TempDir(), t.TempDir()
	writeIDX(t, dir, 512)
	args := func(out string, more ...string) []string {
		return append([]string{"--data", dir, "--out", out, "--batch", "16", "--eval-limit", "32", "--workers", "2", "--quiet", "--conv-algo", "direct"}, more...)
	}
	runOK(t, "one process", command(args(one, "--steps", "5")...))
	out := runOK(t, "mpirun -np 2", mpirun(t, 2, nil, args(two, "--steps", "5")...))
	if !strings.Contains(out, "MPI rank 0 of 2") {
		t.Fatalf("the ranks did not find each other:\n%s", out)
	}
	ck := "checkpoint-000000000005.safetensors"
	sameCheckpoints(t, filepath.Join(two, ck), filepath.Join(one, ck), 1e-5)
	base := func(d string) []string { // the run directory's file names
		names, _ := filepath.Glob(filepath.Join(d, "*"))
		for i := range names {
			names[i] = filepath.Base(names[i])
		}
		return names
	}
	if a, b := base(one), base(two); !slices.Equal(a, b) || !slices.Contains(b, ck) || !slices.Contains(b, "metrics.csv") {
		t.Fatalf("the ranks' run directory holds %v, the one process's %v; want the same files (rank 1 writes nothing), the checkpoint and metrics.csv among them", b, a)
	}
	runOK(t, "one process resuming the ranks' run", command(args(two, "--resume", two, "--steps", "8")...))
	runOK(t, "two ranks resuming the process's run", mpirun(t, 2, nil, args(one, "--resume", one, "--steps", "8")...))
	ck8 := "checkpoint-000000000008.safetensors"
	sameCheckpoints(t, filepath.Join(one, ck8), filepath.Join(two, ck8), 1e-5)

	one4, two4 := t.TempDir(), t.TempDir()
	w4 := func(out string) []string { return append(args(out, "--steps", "5"), "--conv-algo", "winograd4") }
	runOK(t, "one process, winograd4", command(w4(one4)...))
	runOK(t, "mpirun -np 2, winograd4", mpirun(t, 2, nil, w4(two4)...))
	sameCheckpoints(t, filepath.Join(two4, ck), filepath.Join(one4, ck), 1e-5)
}

// SIGINT to mpirun stops every rank after the same step, with one checkpoint, and exits them 0.
func TestMPISIGINTStopsEveryRank(t *testing.T) {
	gputest.Device(t)
	dir, out := t.TempDir(), t.TempDir()
	writeIDX(t, dir, 1024) // 64 steps an epoch: no epoch checkpoint before the signal
	// mpirun's default leaves the ranks 2 s after Ctrl-C; a busy test machine gets 10 (mpirun waits
	// out the first 5 even when the ranks are done sooner).
	cmd := mpirun(t, 2, []string{"odls_base_sigkill_timeout", "5"},
		"--data", dir, "--out", out, "--batch", "16", "--epochs", "50", "--log-format", "json", "--workers", "2")
	stdout, _ := cmd.StdoutPipe()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.AfterFunc(4*time.Minute, func() { cmd.Process.Kill() })
	defer deadline.Stop()
	sc := bufio.NewScanner(stdout)
	lines := 0
	for sc.Scan() {
		lines++
		if strings.Contains(sc.Text(), `"step":11`) {
			cmd.Process.Signal(os.Interrupt)
			break
		}
	}
	for sc.Scan() {
		lines++
	}
	cmd.Wait() // mpirun itself exits 1 after passing on a signal; the ranks' words count
	log := stderr.String()
	root := regexp.MustCompile(`interrupted at step (\d+); checkpoint`).FindStringSubmatch(log)
	other := regexp.MustCompile(`rank 1: stopped at step (\d+) with the others`).FindStringSubmatch(log)
	if root == nil || other == nil || root[1] != other[1] {
		t.Fatalf("the ranks did not stop together (want rank 0's checkpoint and rank 1 at its step):\n%s", log)
	}
	if lines != 2 {
		t.Errorf("%d JSON progress lines up to step %s: want rank 0's alone (steps 1 and 11)", lines, root[1])
	}
	step, _ := strconv.Atoi(root[1])
	cks := train.Checkpoints(out)
	if len(cks) != 1 || filepath.Base(cks[0]) != filepath.Base(filepath.Join(out, "checkpoint-"+strings.Repeat("0", 12-len(root[1]))+root[1]+".safetensors")) || step < 11 {
		t.Fatalf("checkpoints %v after stopping at step %d: want exactly that step's", cks, step)
	}
}
