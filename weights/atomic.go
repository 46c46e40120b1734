package weights

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// writeAtomic writes path through write so that readers see either the previous file or the whole
// new one: it writes a temporary file in the same directory, fsyncs it, renames it over path and
// fsyncs the directory (so the rename itself survives a crash). On any failure the temporary file is
// removed and the previous file is left as it was.
func writeAtomic(path string, write func(w io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	tmp, err := createTemp(path)
	if err != nil {
		return fmt.Errorf("weights: write %s: cannot create a temporary file in %s: %w", path, dir, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 1<<20)
	if err := write(bw); err != nil {
		return fmt.Errorf("weights: write %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("weights: write %s: %w", path, err)
	}
	// The temporary file is 0600; weight files are meant to be shared like any other output.
	if err := tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("weights: write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("weights: write %s: fsync: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("weights: write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("weights: write %s: %w", path, err)
	}
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("weights: write %s: written, but fsync of directory %s failed (the rename may not survive a crash): %w", path, dir, err)
	}
	return nil
}

// syncDir fsyncs a directory so that a rename inside it is durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// A temporary file of writeAtomic for dir/NAME is dir/.NAME.tmp-PID-RANDOM: hidden, beside its
// target (so the rename is atomic), and recognisable afterwards by TempTarget, so that a later run
// can remove what a killed one (kill -9, power loss) left half-written.
const tempMarker = ".tmp-"

// createTemp creates a new, empty temporary file (mode 0600) for path.
func createTemp(path string) (*os.File, error) {
	dir, base := filepath.Split(path)
	var err error
	for range 100 {
		name := filepath.Join(dir, "."+base+tempMarker+strconv.Itoa(os.Getpid())+"-"+strconv.FormatUint(uint64(rand.Uint32()), 10))
		f, e := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if e == nil {
			return f, nil
		}
		if err = e; !errors.Is(e, os.ErrExist) {
			break
		}
	}
	return nil, err
}

// TempTarget reports whether the file name (a base name or a path) is a temporary file left by a
// write of this package (WriteSafetensors and the checkpoints written through it), and returns the
// base name of the file it was to become and the process id of its writer.
func TempTarget(name string) (target string, pid int, ok bool) {
	base := filepath.Base(name)
	i := strings.LastIndex(base, tempMarker)
	if !strings.HasPrefix(base, ".") || i < 2 {
		return "", 0, false
	}
	pidStr, rnd, found := strings.Cut(base[i+len(tempMarker):], "-")
	pid, err := strconv.Atoi(pidStr)
	if !found || err != nil || pid <= 0 || rnd == "" || strings.Trim(rnd, "0123456789") != "" {
		return "", 0, false
	}
	return base[1:i], pid, true
}

// TempFiles returns the paths of the temporary files in dir that TempTarget recognises, and the
// base name each was to become. A caller removes those of its own files that no live write owns.
func TempFiles(dir string) (map[string]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, e := range ents {
		if target, _, ok := TempTarget(e.Name()); ok && e.Type().IsRegular() {
			out[filepath.Join(dir, e.Name())] = target
		}
	}
	return out, nil
}
