package train

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/alexnet-vk/alexnet/internal/regfile"
)

// CheckExportTarget refuses an --export path that would destroy what it should not: the weights file
// being read (source), a checkpoint of cmd/train (its momenta and state would be replaced by bare
// weights), a file that training would take for a checkpoint by its name, or anything but a
// regular file. A path that does not exist yet, or an ordinary weights file, is fine.
func CheckExportTarget(path, source string) error {
	if checkpointRE.MatchString(filepath.Base(path)) {
		return fmt.Errorf("--export %s: a checkpoint's name (train would take the bare weights for a checkpoint of a run); choose another name", path)
	}
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		if a, b := absClean(path), absClean(source); a == b {
			return fmt.Errorf("--export %s is the --weights file being read", path)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("--export %s: %v", path, err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("--export %s: %s, not a regular file", path, regfile.Describe(fi.Mode()))
	}
	if si, err := os.Stat(source); err == nil && os.SameFile(fi, si) {
		return fmt.Errorf("--export %s is the --weights file being read (%s); choose another file", path, source)
	}
	if meta, err := readMeta(path); err == nil && (meta["state"] != "" || strings.HasPrefix(meta["format"], "alexnet-vk checkpoint")) {
		return fmt.Errorf("--export %s is a checkpoint of cmd/train: exporting would replace its momenta and training state with bare weights; choose another file", path)
	}
	return nil
}

func absClean(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return filepath.Clean(p)
}
