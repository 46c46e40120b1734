package regfile

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// within fails the test when f has not returned after d: a hang becomes a failure.
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

// Every kind of special file is refused by Check, Open and ReadFile, with its kind and path named,
// without blocking on a FIFO and without reading a device.
func TestRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.png")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "zero.png")
	if err := os.Symlink("/dev/zero", link); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "s.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for _, tc := range []struct{ path, kind string }{
		{fifo, "a FIFO (named pipe)"},
		{link, "a character device"},
		{"/dev/zero", "a character device"},
		{sock, "a socket"},
		{dir, "a directory"},
	} {
		within(t, 5*time.Second, func() {
			_, cerr := Check(tc.path, "an image")
			f, _, oerr := Open(tc.path, "an image")
			if f != nil {
				f.Close()
			}
			_, rerr := ReadFile(tc.path, 1<<20, "an image")
			for _, err := range []error{cerr, oerr, rerr} {
				if !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), tc.path) ||
					!strings.Contains(err.Error(), tc.kind) || !strings.Contains(err.Error(), "expected an image") {
					t.Errorf("%s: %v; want an ErrNotRegular naming the path, %q and what was expected", tc.path, err, tc.kind)
				}
			}
		})
	}
}

// A FIFO that replaces a checked file before it is opened cannot hang the open either: the open
// does not block and the open file is checked again.
func TestOpenCheckedFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "swapped")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	within(t, 5*time.Second, func() {
		f, _, err := openChecked(fifo, "a file")
		if f != nil {
			f.Close()
		}
		if !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), "FIFO") {
			t.Errorf("openChecked(FIFO) = %v, want a FIFO refused after opening", err)
		}
	})
}

func TestReadFileLimit(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "names.txt")
	os.WriteFile(p, []byte("cat\ndog\n"), 0o644)
	if b, err := ReadFile(p, 8, "names"); err != nil || string(b) != "cat\ndog\n" {
		t.Fatalf("ReadFile at the limit: %q, %v", b, err)
	}
	_, err := ReadFile(p, 7, "names")
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "7-byte limit for names") {
		t.Fatalf("ReadFile over the limit: %v", err)
	}
	if _, err := ReadFile(filepath.Join(dir, "absent"), 8, "names"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}
