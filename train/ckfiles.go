package train

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/alexnet-vk/alexnet/internal/regfile"
)

// checkpointDigits is the width of the step in checkpoint names: 12 digits sort as text up to
// 10¹² steps (years at 10,000 steps a second); beyond, and for older 8-digit names, Checkpoints
// sorts by the number itself.
const checkpointDigits = 12

var checkpointRE = regexp.MustCompile(`^checkpoint-([0-9]+)\.safetensors$`)

// checkpointName is the file of the checkpoint after step updates.
func checkpointName(dir string, step uint64) string {
	return filepath.Join(dir, fmt.Sprintf("checkpoint-%0*d.safetensors", checkpointDigits, step))
}

// Checkpoints lists dir's checkpoint files (checkpoint-<step>.safetensors), oldest first by the step
// in their names.
func Checkpoints(dir string) []string {
	ents, _ := os.ReadDir(dir)
	type named struct {
		path string
		step uint64
	}
	var all []named
	for _, e := range ents {
		m := checkpointRE.FindStringSubmatch(e.Name())
		if m == nil || e.IsDir() {
			continue
		}
		step, err := strconv.ParseUint(m[1], 10, 64)
		if err != nil {
			continue // more digits than any step: not ours
		}
		all = append(all, named{filepath.Join(dir, e.Name()), step})
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].step != all[j].step {
			return all[i].step < all[j].step
		}
		return all[i].path < all[j].path
	})
	out := make([]string, len(all))
	for i, n := range all {
		out[i] = n.path
	}
	return out
}

// maxStateHeader bounds the header read for a checkpoint's state: ours are a few kB of tensor
// entries and state; a larger length field is a foreign or corrupt file.
const maxStateHeader = 16 << 20

// readState returns the training state recorded in a checkpoint's header (nil for a weights file
// without one), reading only the header: for pruning and listing, without loading the tensors.
func readState(path string) (*State, error) {
	meta, err := readMeta(path)
	if err != nil {
		return nil, err
	}
	return parseState(path, meta)
}

// readMeta returns a safetensors file's __metadata__, reading only its header.
func readMeta(path string) (map[string]string, error) {
	f, fi, err := regfile.Open(path, "a checkpoint (.safetensors)")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var lenBuf [8]byte
	if _, err := io.ReadFull(f, lenBuf[:]); err != nil {
		return nil, fmt.Errorf("%s: reading the header length: %v (truncated?)", path, err)
	}
	n := binary.LittleEndian.Uint64(lenBuf[:])
	if n > maxStateHeader || int64(n) > fi.Size()-8 {
		return nil, fmt.Errorf("%s: header length %d does not fit the %d-byte file (truncated, or not a checkpoint?)", path, n, fi.Size())
	}
	header := make([]byte, n)
	if _, err := io.ReadFull(f, header); err != nil {
		return nil, fmt.Errorf("%s: reading the header: %v", path, err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(header, &top); err != nil {
		return nil, fmt.Errorf("%s: header is not JSON: %v", path, err)
	}
	var meta map[string]string
	if raw, ok := top["__metadata__"]; ok {
		if err := json.Unmarshal(raw, &meta); err != nil {
			return nil, fmt.Errorf("%s: unreadable metadata: %v", path, err)
		}
	}
	return meta, nil
}

// parseState decodes and checks the training state in a checkpoint's metadata (nil if none).
func parseState(path string, meta map[string]string) (*State, error) {
	s, ok := meta["state"]
	if !ok {
		return nil, nil
	}
	st := &State{}
	if err := json.Unmarshal([]byte(s), st); err != nil {
		return nil, fmt.Errorf("%s: unreadable training state in its metadata: %v", path, err)
	}
	if err := st.validate(); err != nil {
		return nil, fmt.Errorf("%s: invalid training state in its metadata: %v", path, err)
	}
	return st, nil
}

// newRunID returns a fresh run identity: the start time and 32 random bits.
func newRunID() string {
	var b [4]byte
	rand.Read(b[:])
	return time.Now().UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

// ownedCheckpoints returns dir's checkpoints that belong to the run (by the run id recorded in
// each), with their recorded steps; checkpoints of other runs, and files without a readable state,
// are left out.
func ownedCheckpoints(dir string, belongs func(*State) bool) (paths []string, steps []uint64) {
	for _, p := range Checkpoints(dir) {
		st, err := readState(p)
		if err != nil || st == nil || !belongs(st) {
			continue
		}
		paths, steps = append(paths, p), append(steps, st.Step)
	}
	return paths, steps
}

// pruneCheckpoints removes the run's checkpoints in dir beyond the newest keep by recorded step,
// never the one just written. It returns the files it could not remove, with why.
func pruneCheckpoints(dir string, keep int, belongs func(*State) bool, just string) []error {
	paths, steps := ownedCheckpoints(dir, belongs)
	idx := make([]int, len(paths))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return steps[idx[a]] > steps[idx[b]] }) // newest first
	kept := 0
	var errs []error
	for _, i := range idx {
		if paths[i] == just || kept < keep {
			kept++
			continue
		}
		if err := os.Remove(paths[i]); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errs
}

// findResume loads the checkpoint --resume names: that file, or a run directory's newest checkpoint
// that loads. Each newer one that does not load (truncated by a crash, corrupt) is skipped with a
// warning naming it.
func findResume(p string) (*Checkpoint, []string, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, nil, fmt.Errorf("--resume %s: %v", p, err)
	}
	load := func(path string) (*Checkpoint, error) {
		if _, err := regfile.Check(path, "a checkpoint (.safetensors)"); err != nil {
			return nil, err
		}
		ck, err := LoadCheckpoint(path)
		if err == nil && ck.State == nil {
			err = fmt.Errorf("%s: a weights file without training state (use --init to start from weights)", path)
		}
		return ck, err
	}
	if !fi.IsDir() {
		ck, err := load(p)
		if err != nil {
			return nil, nil, fmt.Errorf("--resume %s: %v", p, err)
		}
		return ck, nil, nil
	}
	all := Checkpoints(p)
	if len(all) == 0 {
		return nil, nil, fmt.Errorf("--resume %s: no checkpoint-*.safetensors in that directory", p)
	}
	var warns []string
	for i := len(all) - 1; i >= 0; i-- {
		ck, err := load(all[i])
		if err == nil {
			return ck, warns, nil
		}
		warns = append(warns, fmt.Sprintf("warning: --resume %s: skipping %s, which does not load: %v", p, filepath.Base(all[i]), err))
	}
	return nil, nil, fmt.Errorf("--resume %s: none of its %d checkpoints loads:\n  %s", p, len(all), strings.Join(warns, "\n  "))
}

// lockDir takes an exclusive lock on a run directory for as long as the returned file stays open,
// so that two trainers never write one run.
func lockDir(dir string) (*os.File, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("--out %s: %v", dir, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("--out %s: another train or viewer is writing to this run directory; wait for it to finish or choose another --out", dir)
		}
		return nil, fmt.Errorf("--out %s: cannot lock the run directory: %v", dir, err)
	}
	return f, nil
}

// removeTemps removes the temporary files an interrupted run left in dir, and returns their names:
// .NAME.tmp-… beside a checkpoint, metrics.csv or a PNG snapshot NAME, as weights names them now
// (.tmp-PID-RANDOM) and as earlier versions did (.tmp-RANDOM). The caller holds dir's lock, so no
// live writer owns them.
func removeTemps(dir string) []string {
	ents, _ := os.ReadDir(dir)
	var gone []string
	for _, e := range ents {
		name := e.Name()
		i := strings.LastIndex(name, ".tmp-")
		if !strings.HasPrefix(name, ".") || i < 2 || !e.Type().IsRegular() || strings.Trim(name[i+5:], "0123456789-") != "" {
			continue
		}
		if target := name[1:i]; checkpointRE.MatchString(target) || target == "metrics.csv" || strings.HasSuffix(target, ".png") {
			if os.Remove(filepath.Join(dir, name)) == nil {
				gone = append(gone, name)
			}
		}
	}
	return gone
}
