package data

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/alexnet-vk/alexnet/internal/regfile"
)

// detect guesses the layout of path: a shard folder (manifest.json, or train/manifest.json), a
// CIFAR-10 folder (data_batch_*.bin), an IDX file or folder, else an ImageFolder root.
func detect(path string) (Format, error) {
	fi, err := os.Stat(path)
	if err != nil {
		if os.IsNotExist(err) {
			return FormatAuto, fmt.Errorf("data: %s: no such file or folder (%s)", path, layoutsHelp)
		}
		return FormatAuto, fmt.Errorf("data: %v (%s)", err, layoutsHelp)
	}
	if !fi.IsDir() && !fi.Mode().IsRegular() {
		return FormatAuto, fmt.Errorf("data: %s: %s, not a dataset file or folder (%s)", path, regfile.Describe(fi.Mode()), layoutsHelp)
	}
	base := strings.ToLower(filepath.Base(path))
	if !fi.IsDir() {
		switch {
		case isIDXName(base):
			return FormatIDX, nil
		case strings.HasSuffix(base, ".bin"):
			return FormatCIFAR10, nil
		}
		return FormatAuto, fmt.Errorf("data: %s: a file that is neither IDX (*-ubyte[.gz]) nor a CIFAR-10 batch (*.bin) (%s)", path, layoutsHelp)
	}
	exists := func(rel string) bool { _, err := os.Stat(filepath.Join(path, rel)); return err == nil }
	switch {
	case exists(manifestName) || exists(filepath.Join("train", manifestName)):
		return FormatShards, nil
	case exists("data_batch_1.bin") || exists("test_batch.bin") || exists("cifar-10-batches-bin"):
		return FormatCIFAR10, nil
	}
	if train, _ := findIDX(path); train != "" {
		return FormatIDX, nil
	}
	// Everything else is read as an ImageFolder, whose opener reports an empty folder or one
	// without class subfolders in terms of the accepted layouts.
	return FormatImageFolder, nil
}
