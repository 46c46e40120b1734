package viz

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
)

// SavePNG writes img to path as a PNG without ever leaving a half-written file there: it encodes
// into a temporary file in the same directory, syncs it and renames it over path (a rename within
// one directory is atomic), so a viewer or a person reading path sees the old or the new picture.
func SavePNG(path string, img image.Image) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("viz: save %s: cannot create a temporary file in %s (the directory must exist and be writable): %w", path, dir, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err = png.Encode(f, img); err != nil {
		return fmt.Errorf("viz: save %s: encoding PNG: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("viz: save %s: sync %s: %w", path, tmp, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("viz: save %s: close %s: %w", path, tmp, err)
	}
	if err = os.Chmod(tmp, 0o644); err != nil {
		return fmt.Errorf("viz: save %s: chmod %s: %w", path, tmp, err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("viz: save %s: rename %s to it: %w", path, tmp, err)
	}
	return nil
}
