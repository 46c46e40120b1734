package train

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/alexnet-vk/alexnet/weights"
)

// validState is a checkpoint state that passes State.validate.
func validState(run string, step uint64) State {
	return State{Arch: "alexnet-small", Classes: 10, Channels: 1, InputSize: 28, Step: step, LR: 0.01, BestErr: 2, RunID: run}
}

// writeStateFile writes a checkpoint-shaped safetensors file (one small tensor) holding st.
func writeStateFile(t *testing.T, path string, st State) {
	t.Helper()
	js, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	ts := []weights.Tensor{{Name: "conv1.weight", Shape: []int{2}, Data: []float32{1, 2}}}
	if err := weights.WriteSafetensors(path, ts, map[string]string{"format": "alexnet-vk checkpoint 1", "state": string(js)}); err != nil {
		t.Fatal(err)
	}
}

func bases(paths []string) []string {
	var b []string
	for _, p := range paths {
		b = append(b, filepath.Base(p))
	}
	return b
}

// Checkpoints sort by the number in their names, old 8-digit names and 10⁸ and beyond included;
// names are 12 digits, so they also sort as text far past 10⁸; steps are 64-bit.
func TestCheckpointNamesSort(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"checkpoint-99999999.safetensors", "checkpoint-100000000.safetensors", "checkpoint-00000007.safetensors",
		filepath.Base(checkpointName(dir, 5)), filepath.Base(checkpointName(dir, 1<<40)), "checkpoint-x.safetensors", "notes.txt",
		"checkpoint-99999999999999999999999.safetensors"} {
		os.WriteFile(filepath.Join(dir, n), nil, 0o644)
	}
	got := bases(Checkpoints(dir))
	want := []string{"checkpoint-000000000005.safetensors", "checkpoint-00000007.safetensors", "checkpoint-99999999.safetensors",
		"checkpoint-100000000.safetensors", "checkpoint-1099511627776.safetensors"}
	if !slices.Equal(got, want) {
		t.Fatalf("Checkpoints = %v, want %v", got, want)
	}
	a, b := filepath.Base(checkpointName(dir, 99_999_999)), filepath.Base(checkpointName(dir, 100_000_000))
	if a >= b {
		t.Fatalf("%s sorts after %s as text", a, b)
	}
	// A 64-bit step survives the round trip through a checkpoint's header.
	p := checkpointName(dir, 1<<40)
	writeStateFile(t, p, validState("r", 1<<40))
	if st, err := readState(p); err != nil || st.Step != 1<<40 {
		t.Fatalf("step 2^40 read back as %+v, %v", st, err)
	}
	// Past 2^32 steps the dropout counter changes its seed word: no mask repeats a step 2^32 earlier.
	s0, c0 := dropoutCounter(77, 5)
	s1, c1 := dropoutCounter(77, 1<<32+5)
	if s0 != 77 || c0 != 5 || c1 != 5 || s1 == s0 {
		t.Fatalf("dropout counters (%d,%d) and (%d,%d)", s0, c0, s1, c1)
	}
}

// Pruning keeps the newest checkpoints of this run by their recorded step, never touches another
// run's (or an unreadable file), and never removes the checkpoint just written, even when it is
// older than the ones kept.
func TestPruneByRecordedStep(t *testing.T) {
	dir := t.TempDir()
	mine := func(st *State) bool { return st.RunID == "me" }
	for _, s := range []uint64{1, 2, 3, 4, 5} {
		writeStateFile(t, checkpointName(dir, s), validState("me", s))
	}
	for _, s := range []uint64{100, 200} {
		writeStateFile(t, checkpointName(dir, s), validState("other", s))
	}
	// A file whose name says 90 but which records step 1 of this run: the record decides.
	writeStateFile(t, filepath.Join(dir, "checkpoint-00000090.safetensors"), validState("me", 1))
	os.WriteFile(checkpointName(dir, 300), []byte("torn"), 0o644)
	just := checkpointName(dir, 2)
	if errs := pruneCheckpoints(dir, 2, mine, just); len(errs) > 0 {
		t.Fatal(errs)
	}
	got := bases(Checkpoints(dir))
	want := bases([]string{checkpointName(dir, 2), checkpointName(dir, 4), checkpointName(dir, 5), checkpointName(dir, 100), checkpointName(dir, 200), checkpointName(dir, 300)})
	if !slices.Equal(got, want) {
		t.Fatalf("after pruning: %v, want %v", got, want)
	}
}

// A run directory whose newest checkpoint is truncated resumes from the newest one that loads, with
// a warning naming the bad file; with none loadable, the error lists each.
func TestFindResumeFallsBack(t *testing.T) {
	dir := t.TempDir()
	writeStateFile(t, checkpointName(dir, 3), validState("r", 3))
	writeStateFile(t, checkpointName(dir, 6), validState("r", 6))
	b, _ := os.ReadFile(checkpointName(dir, 6))
	os.WriteFile(checkpointName(dir, 9), b[:len(b)/2], 0o644) // truncated by a crash
	bad := validState("r", 12)
	bad.LR = -1
	writeStateFile(t, checkpointName(dir, 12), bad) // loads, but its state is invalid
	ck, warns, err := findResume(dir)
	if err != nil {
		t.Fatal(err)
	}
	if ck.State.Step != 6 || len(warns) != 2 || !strings.Contains(warns[0], filepath.Base(checkpointName(dir, 12))) ||
		!strings.Contains(warns[0], "learning rate") || !strings.Contains(warns[1], filepath.Base(checkpointName(dir, 9))) {
		t.Fatalf("resumed step %d with warnings %q", ck.State.Step, warns)
	}
	// A file named explicitly does not fall back.
	if _, _, err := findResume(checkpointName(dir, 9)); err == nil {
		t.Fatal("a truncated checkpoint named explicitly loaded")
	}
	os.Remove(checkpointName(dir, 3))
	os.Remove(checkpointName(dir, 6))
	_, _, err = findResume(dir)
	if err == nil || !strings.Contains(err.Error(), "none of its 2 checkpoints") {
		t.Fatalf("no loadable checkpoint: err = %v", err)
	}
}

// A run directory is locked while a trainer writes it; leftovers of an interrupted checkpoint write
// are removed, other hidden files are not.
func TestRunDirLockAndTemps(t *testing.T) {
	dir := t.TempDir()
	l1, err := lockDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lockDir(dir); err == nil || !strings.Contains(err.Error(), "another train") {
		t.Fatalf("second lock: %v", err)
	}
	l1.Close()
	l2, err := lockDir(dir)
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	l2.Close()
	for _, n := range []string{".checkpoint-000000000004.safetensors.tmp-123-456", ".metrics.csv.tmp-9-1", ".filters.png.tmp-77",
		".checkpoint-00000009.safetensors.tmp-3141", ".keepme", ".data.bin.tmp-1-2", ".checkpoint-000000000004.safetensors.tmp-x",
		"checkpoint-000000000004.safetensors"} {
		os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o644)
	}
	gone := removeTemps(dir)
	if !slices.Equal(gone, []string{".checkpoint-000000000004.safetensors.tmp-123-456", ".checkpoint-00000009.safetensors.tmp-3141",
		".filters.png.tmp-77", ".metrics.csv.tmp-9-1"}) {
		t.Fatalf("removed %v", gone)
	}
	for _, n := range []string{".keepme", ".data.bin.tmp-1-2", ".checkpoint-000000000004.safetensors.tmp-x", "checkpoint-000000000004.safetensors"} {
		if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
			t.Fatalf("%s removed", n)
		}
	}
}

// A resumed run's metrics.csv keeps the rows up to the checkpoint's step, drops the rows written
// after it and a line torn by a crash, and is copied when the run continues in another directory.
func TestContinueRows(t *testing.T) {
	from, to := t.TempDir(), t.TempDir()
	csv := "step,epoch,lr\n4,0.5,0.01\n8,1,0.01\n12,1.5,0.01\n16,2,0.0"
	os.WriteFile(filepath.Join(from, "metrics.csv"), []byte(csv), 0o644)
	rows, err := continueRows(from, from, "metrics.csv", 8)
	if err != nil || len(rows) != 3 {
		t.Fatalf("rows %v, err %v", rows, err)
	}
	b, _ := os.ReadFile(filepath.Join(from, "metrics.csv"))
	if string(b) != "step,epoch,lr\n4,0.5,0.01\n8,1,0.01\n" {
		t.Fatalf("metrics.csv now %q", b)
	}
	if ms := metricsFromRows(rows); len(ms) != 2 || ms[1].Step != 8 || ms[1].Epoch != 1 {
		t.Fatalf("metrics %+v", ms)
	}
	if _, err := continueRows(to, from, "metrics.csv", 4); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(to, "metrics.csv")); string(b) != "step,epoch,lr\n4,0.5,0.01\n" {
		t.Fatalf("copied metrics.csv %q", b)
	}
	if rows, err := continueRows(to, t.TempDir(), "metrics.csv", 4); err != nil || rows != nil {
		t.Fatalf("no metrics.csv: %v, %v", rows, err)
	}
	// A FIFO in its place is refused, not read (which would block forever).
	fifo := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(fifo, "metrics.csv"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := continueRows(to, fifo, "metrics.csv", 4); err == nil || !strings.Contains(err.Error(), "regular file") {
		t.Fatalf("FIFO metrics.csv: %v", err)
	}
}

// --export may not overwrite the file being read, a checkpoint, a checkpoint's name or a special
// file; a new file or an ordinary weights file is fine.
func TestCheckExportTarget(t *testing.T) {
	dir := t.TempDir()
	ck := filepath.Join(dir, "best.safetensors")
	writeStateFile(t, ck, validState("r", 3))
	plain := filepath.Join(dir, "plain.safetensors")
	weights.WriteSafetensors(plain, []weights.Tensor{{Name: "a", Shape: []int{1}, Data: []float32{1}}}, nil)
	link := filepath.Join(dir, "link.safetensors")
	os.Symlink(plain, link)
	fifo := filepath.Join(dir, "fifo.safetensors")
	syscall.Mkfifo(fifo, 0o644)
	for _, tc := range []struct {
		export, source, want string
	}{
		{ck, "w.pth", "checkpoint of cmd/train"},
		{plain, plain, "being read"},
		{link, plain, "being read"},
		{filepath.Join(dir, "new.safetensors"), filepath.Join(dir, "new.safetensors"), "being read"},
		{filepath.Join(dir, "checkpoint-000000000010.safetensors"), "w.pth", "checkpoint's name"},
		{fifo, "w.pth", "regular file"},
		{dir, "w.pth", "regular file"},
		{plain, "w.pth", ""},
		{filepath.Join(dir, "new.safetensors"), "w.pth", ""},
	} {
		err := CheckExportTarget(tc.export, tc.source)
		if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("--export %s from %s: %v, want %q", filepath.Base(tc.export), filepath.Base(tc.source), err, tc.want)
		}
	}
}
