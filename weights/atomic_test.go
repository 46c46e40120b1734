package weights

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteAtomicKeepsPreviousFile makes writes fail at different stages and checks that the
// previous file is intact and no temporary file is left behind.
func TestWriteAtomicKeepsPreviousFile(t *testing.T) {
	good := []Tensor{{Name: "w", Shape: []int{2}, Data: []float32{1, 2}}}
	tests := []struct {
		name  string
		write func(path string) error
		want  string
	}{
		{"invalid tensors are refused before writing", func(path string) error {
			return WriteSafetensors(path, []Tensor{{Name: "w", Shape: []int{3}, Data: []float32{1}}}, nil)
		}, "holds 3 elements"},
		{"the writer fails halfway", func(path string) error {
			return writeAtomic(path, func(w io.Writer) error {
				w.Write(bytes.Repeat([]byte{0xAB}, 3<<20)) // past bufio's buffer: bytes reach the temp file
				return errors.New("disk full")
			})
		}, "disk full"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "model.safetensors")
			if err := WriteSafetensors(path, good, map[string]string{"v": "1"}); err != nil {
				t.Fatal(err)
			}
			before, _ := os.ReadFile(path)
			err := tc.write(path)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("error %v, want one naming %s and saying %q", err, path, tc.want)
			}
			after, _ := os.ReadFile(path)
			if !bytes.Equal(before, after) {
				t.Error("the previous file changed")
			}
			assertOnlyFiles(t, dir, "model.safetensors")
		})
	}
}

func TestWriteAtomicTargetIsDirectory(t *testing.T) {
	// Renaming a file over a non-empty directory fails after all the data was written and fsynced.
	dir := t.TempDir()
	path := filepath.Join(dir, "model.safetensors")
	if err := os.MkdirAll(filepath.Join(path, "keep"), 0o755); err != nil {
		t.Fatal(err)
	}
	err := WriteSafetensors(path, []Tensor{{Name: "w", Shape: []int{1}, Data: []float32{1}}}, nil)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("error %v, want one naming %s", err, path)
	}
	if st, err := os.Stat(filepath.Join(path, "keep")); err != nil || !st.IsDir() {
		t.Error("the directory in the way was damaged")
	}
	assertOnlyFiles(t, dir, "model.safetensors")
}

func TestWriteAtomicMissingDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "no", "such")
	err := WriteSafetensors(filepath.Join(dir, "w.safetensors"), nil, nil)
	if err == nil || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "temporary file") {
		t.Errorf("error %v, want one naming directory %s", err, dir)
	}
}

func TestWriteAtomicReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "w.safetensors")
	for i, v := range []float32{1, 2} {
		if err := WriteSafetensors(path, []Tensor{{Name: "w", Shape: []int{1}, Data: []float32{v}}}, nil); err != nil {
			t.Fatal(err)
		}
		got, _, err := ReadSafetensors(path)
		if err != nil || got[0].Data[0] != v {
			t.Fatalf("write %d: read %v, %v; want %v", i, got, err, v)
		}
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644 (err %v)", st.Mode(), err)
	}
	assertOnlyFiles(t, dir, "w.safetensors")
}

// assertOnlyFiles fails unless dir holds exactly the named entries (no temporary files left).
func assertOnlyFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Errorf("%s holds %v, want %v", dir, got, names)
	}
}
