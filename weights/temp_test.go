package weights

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/alexnet-vk/alexnet/internal/hostile"
)

func TestTempTarget(t *testing.T) {
	for _, tc := range []struct {
		name, target string
		pid          int
		ok           bool
	}{
		{".checkpoint-00000100.safetensors.tmp-4242-123456", "checkpoint-00000100.safetensors", 4242, true},
		{"/runs/x/.a.b.tmp-1-0", "a.b", 1, true},
		{"checkpoint-00000100.safetensors", "", 0, false},
		{".x.tmp-abc-1", "", 0, false},          // not a pid
		{".x.tmp-12-", "", 0, false},            // no random part
		{".x.tmp-12-3a", "", 0, false},          // random part not digits
		{"x.tmp-12-3", "", 0, false},            // not hidden
		{".tmp-12-3", "", 0, false},             // no target
		{"manifest.json.tmp-1-2", "", 0, false}, // data's temporary files are not ours
	} {
		target, pid, ok := TempTarget(tc.name)
		if target != tc.target || pid != tc.pid || ok != tc.ok {
			t.Errorf("TempTarget(%q) = %q, %d, %v; want %q, %d, %v", tc.name, target, pid, ok, tc.target, tc.pid, tc.ok)
		}
	}
}

// killedWriteChild starts a write to path that never finishes, for TestKilledWriteLeavesTemp.
func killedWriteChild(path string) {
	writeAtomic(path, func(w io.Writer) error {
		w.Write(make([]byte, 3<<20)) // past bufio's buffer: bytes reach the temporary file
		select {}                    // then hang until killed
	})
}

// A write killed with SIGKILL leaves its temporary file; TempFiles finds it, with the file it was to
// become and the killed writer's pid, so that the next run can remove it.
func TestKilledWriteLeavesTemp(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "checkpoint-00000007.safetensors")
	cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.count=1")
	cmd.Env = append(os.Environ(), hostile.CaseEnv("killed-write", path)...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var temps map[string]string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		temps, _ = TempFiles(dir)
		if len(temps) == 1 && written(temps) {
			break
		}
	}
	cmd.Process.Kill() // SIGKILL
	cmd.Wait()
	if len(temps) != 1 {
		t.Fatalf("temporary files %v while the write ran, want one", temps)
	}
	for tmp, target := range temps {
		_, pid, _ := TempTarget(tmp)
		if target != filepath.Base(path) || pid != cmd.Process.Pid {
			t.Fatalf("%s: target %q of pid %d, want %q of the killed writer %d", tmp, target, pid, filepath.Base(path), cmd.Process.Pid)
		}
		if fi, err := os.Stat(tmp); err != nil || fi.Size() < 3<<20 {
			t.Fatalf("the killed write's temporary file: %v", err)
		}
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("the target exists after a killed write: %v", err)
	}
}

// written reports whether every temporary file in temps holds the child's first 3 MiB.
func written(temps map[string]string) bool {
	for tmp := range temps {
		if fi, err := os.Stat(tmp); err != nil || fi.Size() < 3<<20 {
			return false
		}
	}
	return true
}
