package weights

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alexnet-vk/alexnet/internal/hostile"
)

// within fails the test when f has not returned after d, so that a hang fails instead of hanging.
func within(t *testing.T, d time.Duration, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("still blocked after %v", d)
	}
}

// wantErr checks that err names every string of want.
func wantErr(t *testing.T, what string, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error, want one saying %q", what, want)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Fatalf("%s: error %q does not say %q", what, err, w)
		}
	}
}

// FIFOs and devices given as weights are refused by type, naming the file, without blocking.
func TestWeightsSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifoPth, _ := hostile.FIFO(dir, "w.pth")
	fifoST, _ := hostile.FIFO(dir, "w.safetensors")
	zeroPth, _ := hostile.DevZeroLink(dir, "zero.pth")
	within(t, 10*time.Second, func() {
		for _, p := range []string{fifoPth, zeroPth} {
			_, err := ReadPth(p)
			wantErr(t, p, err, p, "not a regular file", "expected a PyTorch .pth file")
			_, err = PthShapes(p)
			wantErr(t, p, err, p, "not a regular file")
		}
		_, _, err := ReadSafetensors(fifoST)
		wantErr(t, fifoST, err, fifoST, "a FIFO (named pipe)", "expected a .safetensors file")
		_, _, err = ReadSafetensors("/dev/zero")
		wantErr(t, "/dev/zero", err, "/dev/zero", "a character device")
	})
}

// sharedBomb writes the 263 KB .pth: one deflated 256 MiB storage that 40 tensors view whole.
func sharedBomb(t testing.TB, dir string) string {
	var ts []hostile.PthTensor
	for i := range 40 {
		ts = append(ts, hostile.PthTensor{Name: fmt.Sprintf("t%d", i), Key: "0", Shape: []int{64 << 20}})
	}
	p := filepath.Join(dir, "shared.pth")
	if err := hostile.PthZeros(p, ts, []hostile.PthStorage{{Key: "0", Numel: 64 << 20, Bytes: 256 << 20, Deflate: true}}); err != nil {
		t.Fatal(err)
	}
	return p
}

// hugeRecord writes the 3.1 MB .pth: one record of 3 GiB (deflated zeros) viewed by one tensor.
func hugeRecord(t testing.TB, dir string) string {
	p := filepath.Join(dir, "huge.pth")
	err := hostile.PthZeros(p, []hostile.PthTensor{{Name: "features.0.weight", Key: "0", Shape: []int{768 << 20}}},
		[]hostile.PthStorage{{Key: "0", Numel: 768 << 20, Bytes: 3 << 30, Deflate: true}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// tinyModel is the expected model of the tests below: two tensors.
var tinyModel = map[string][]int{"features.0.weight": {4, 3, 2, 2}, "features.0.bias": {4}}

// The two .pth bombs are refused from their pickle alone: ReadPthFor because the shapes are
// not the model's, ReadPth because the views would decode to more than 1 GiB. No storage is read.
func TestPthBombsRefusedBeforeReading(t *testing.T) {
	dir := t.TempDir()
	shared, huge := sharedBomb(t, dir), hugeRecord(t, dir)
	for _, p := range []string{shared, huge} {
		reads := storageReads.Load()
		span := hostile.Begin()
		_, err := ReadPthFor(p, tinyModel)
		var me *MatchError
		if !errors.As(err, &me) {
			t.Fatalf("%s: ReadPthFor: %v, want a *MatchError", p, err)
		}
		wantErr(t, p, err, p, `"features.0.bias": missing`)
		_, err = ReadPth(p)
		wantErr(t, p, err, p, "decode to more than 1024 MiB")
		if n := storageReads.Load() - reads; n != 0 {
			t.Errorf("%s: %d storage reads, want none", p, n)
		}
		span.Within(t, p+" refused", 2*time.Second)
	}
	ts, err := PthShapes(shared)
	if err != nil || len(ts) != 40 || ts[0].Data != nil || ts[39].Shape[0] != 64<<20 {
		t.Fatalf("PthShapes: %d tensors, %v", len(ts), err)
	}
}

// Tensors that fit the model are read with each storage read once, only as far as the views reach;
// a deflated storage whose views start far in is not inflated to reach them; gaps between views
// are bounded; a record's declared size must match what it holds.
func TestPthStorageReads(t *testing.T) {
	dir := t.TempDir()
	// Both tensors view one 3 GiB deflated storage from its start: read once, 64 bytes inflated.
	ok := filepath.Join(dir, "ok.pth")
	hostile.PthZeros(ok, []hostile.PthTensor{{Name: "features.0.weight", Key: "0", Shape: []int{4, 3, 2, 2}},
		{Name: "features.0.bias", Key: "0", Offset: 48, Shape: []int{4}}},
		[]hostile.PthStorage{{Key: "0", Numel: 768 << 20, Bytes: 3 << 30, Deflate: true}})
	reads := storageReads.Load()
	span := hostile.Begin()
	ts, err := ReadPthFor(ok, tinyModel)
	if err != nil || len(ts) != 2 || len(ts[0].Data) != 48 || len(ts[1].Data) != 4 {
		t.Fatalf("ReadPthFor: %v, %v", ts, err)
	}
	if n := storageReads.Load() - reads; n != 1 {
		t.Errorf("%d storage reads, want 1", n)
	}
	span.Within(t, "52 floats read from a 3 GiB deflated record", 2*time.Second)
	// The same views at the end of the storage: refused rather than inflating 3 GiB.
	far := filepath.Join(dir, "far.pth")
	end := (768 << 20) - 52
	hostile.PthZeros(far, []hostile.PthTensor{{Name: "features.0.weight", Key: "0", Offset: end, Shape: []int{4, 3, 2, 2}},
		{Name: "features.0.bias", Key: "0", Offset: end + 48, Shape: []int{4}}},
		[]hostile.PthStorage{{Key: "0", Numel: 768 << 20, Bytes: 3 << 30, Deflate: true}})
	_, err = ReadPthFor(far, tinyModel)
	wantErr(t, "views at the end of a deflated record", err, far, "refusing to inflate")
	// Views 1 MiB apart in a stored record: the gap is refused, not read.
	gaps := filepath.Join(dir, "gaps.pth")
	hostile.PthZeros(gaps, []hostile.PthTensor{{Name: "features.0.weight", Key: "0", Shape: []int{4, 3, 2, 2}},
		{Name: "features.0.bias", Key: "0", Offset: 1 << 20, Shape: []int{4}}},
		[]hostile.PthStorage{{Key: "0", Numel: 1<<20 + 4, Bytes: 4 * (1<<20 + 4)}})
	_, err = ReadPthFor(gaps, tinyModel)
	wantErr(t, "views with a gap", err, gaps, "views with gaps")
	// A deflated record that holds less than its header declares, or more.
	for _, tc := range []struct {
		name          string
		declared, has int64
		want          string
	}{
		{"short.pth", 208, 100, "fewer bytes than declared"},
		{"long.pth", 208, 300, "does not end where declared"},
	} {
		p := rawDeflatedPth(t, dir, tc.name, tc.declared, tc.has)
		_, err := ReadPthFor(p, tinyModel)
		wantErr(t, tc.name, err, p, tc.want)
	}
}

// rawDeflatedPth writes a .pth whose one deflated record declares declared bytes (52 floats and
// 4 bytes over, 208) but holds has zero bytes, with tinyModel's two tensors viewing all of it.
func rawDeflatedPth(t *testing.T, dir, name string, declared, has int64) string {
	t.Helper()
	// Build a correct file, then rewrite its storage record with lying sizes.
	good := filepath.Join(dir, "good-"+name)
	err := hostile.PthZeros(good, []hostile.PthTensor{{Name: "features.0.weight", Key: "0", Shape: []int{4, 3, 2, 2}},
		{Name: "features.0.bias", Key: "0", Offset: 48, Shape: []int{4}}},
		[]hostile.PthStorage{{Key: "0", Numel: 52, Bytes: 208}})
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(good)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if f.Name != "archive/data/0" {
			zw.Copy(f)
			continue
		}
		var raw bytes.Buffer
		hostile.DeflateZeros(&raw, has)
		w, _ := zw.CreateRaw(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, CRC32: hostile.CRC32Zeros(nil, has),
			CompressedSize64: uint64(raw.Len()), UncompressedSize64: uint64(declared)})
		w.Write(raw.Bytes())
	}
	zw.Close()
	p := filepath.Join(dir, name)
	os.WriteFile(p, buf.Bytes(), 0o644)
	return p
}

// TestMain runs a child process's case when this test binary is the child of
// TestHostileWeightsBounded or TestKilledWriteLeavesTemp.
func TestMain(m *testing.M) {
	if name, arg := hostile.Case(); name != "" {
		weightsChild(name, arg)
	}
	os.Exit(m.Run())
}

// weightsChild runs one child case, prints its result and exits.
func weightsChild(name, arg string) {
	var err error
	switch name {
	case "any":
		_, err = ReadPth(arg)
	case "model":
		_, err = ReadPthFor(arg, tinyModel)
	case "killed-write":
		killedWriteChild(arg)
	}
	fmt.Printf("RESULT: %v\n", err)
	os.Exit(0)
}

// The issue's .pth bombs get their error within 10 s and under 1 GiB of peak memory (a child
// process's rusage), whether read against a model or not.
func TestHostileWeightsBounded(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{sharedBomb(t, dir), hugeRecord(t, dir)} {
		for _, mode := range []string{"any", "model"} {
			out := hostile.Check(t, mode, p, 0)
			if !strings.Contains(out, "RESULT: weights: "+p) {
				t.Errorf("%s read as %s: %s", p, mode, out)
			}
		}
	}
}

// A safetensors file whose header claims more than 1 GiB of tensors (here a sparse 1.5 GiB file) is
// refused from its header, before any tensor is read.
func TestSafetensorsClaimBounded(t *testing.T) {
	p := filepath.Join(t.TempDir(), "sparse.safetensors")
	n := int64(384 << 20) // float32 elements: 1.5 GiB
	header := fmt.Sprintf(`{"w":{"dtype":"F32","shape":[%d],"data_offsets":[0,%d]}}`, n, 4*n)
	for len(header)%8 != 0 {
		header += " "
	}
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	var lenBuf [8]byte
	for i := range 8 {
		lenBuf[i] = byte(len(header) >> (8 * i))
	}
	f.Write(lenBuf[:])
	f.WriteString(header)
	if err := f.Truncate(8 + int64(len(header)) + 4*n); err != nil {
		t.Fatal(err)
	}
	f.Close()
	span := hostile.Begin()
	_, _, err = ReadSafetensors(p)
	wantErr(t, "a 1.5 GiB safetensors claim", err, p, "decode to more than 1024 MiB")
	span.Within(t, "a 1.5 GiB safetensors claim refused", time.Second)
}
