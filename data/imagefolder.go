package data

import (
	"fmt"
	"os"
	"path/filepath"
)

// imageExts are the file extensions ImageFolder reads (compared in lower case).
var imageExts = map[string]bool{".jpg": true, ".jpeg": true, ".png": true}

// splitDirs are the sub-folder names recognised as splits of an ImageFolder root, train first.
var splitDirs = []string{"train", "val", "validation", "test"}

// folderSource is one ImageFolder split: image files decoded on demand.
type folderSource struct {
	root   string
	files  []string
	labels []int32
	size   int    // side of the square written by image
	ident  string // identity of the file list: names, sizes and modification times (see scanFolder)
}

func (f *folderSource) len() int            { return len(f.files) }
func (f *folderSource) label(i int) int32   { return f.labels[i] }
func (f *folderSource) name(i int) string   { return f.files[i] }
func (f *folderSource) close() error        { return nil }
func (f *folderSource) fingerprint() string { return f.ident }

func (f *folderSource) image(i int, dst []byte) error {
	return DecodeImageFile(f.files[i], f.size, dst)
}

// isDir reports whether path is (or links to) a directory.
func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// splitFolders returns the train folder and the held-out folder ("" if none) of an ImageFolder root:
// root/train and root/val (or validation, test) when they exist, else root itself.
func splitFolders(root string) (train, test, testName string) {
	if !isDir(filepath.Join(root, "train")) {
		return root, "", ""
	}
	for _, n := range splitDirs[1:] {
		if isDir(filepath.Join(root, n)) {
			return filepath.Join(root, "train"), filepath.Join(root, n), n
		}
	}
	return filepath.Join(root, "train"), "", ""
}

// openImageFolder opens root/<class>/* or root/train/<class>/* with root/val/<class>/*; classes are
// the sorted folder names of the train folder, and a val class must be one of them. Skipped files,
// empty class folders and class folders that are symbolic links are reported on opts.Warn.
func openImageFolder(root string, opts OpenOptions) (*Dataset, error) {
	trainDir, testDir, testName := splitFolders(root)
	classes, err := folderClasses(trainDir)
	if err != nil {
		return nil, err
	}
	d := &Dataset{Classes: classes, Channels: 3, Height: opts.ImageSize, Width: opts.ImageSize}
	var skipped skipList
	defer skipped.flush(opts.Warn, "files that are not images or are empty")
	tr, err := scanSplit(trainDir, classes, &skipped)
	if err != nil {
		return nil, err
	}
	tr.report(opts.Warn, classes)
	if len(tr.files) == 0 {
		return nil, fmt.Errorf("data: %s: no .jpg, .jpeg or .png files in the %d class folders (%s)", trainDir, len(classes), layoutsHelp)
	}
	d.Train = &Split{Name: "train", src: tr.source(opts.ImageSize)}
	if testDir != "" {
		ts, err := scanSplit(testDir, classes, &skipped)
		if err != nil {
			return nil, err
		}
		ts.report(opts.Warn, classes)
		if len(ts.files) > 0 {
			d.Test = &Split{Name: testName, src: ts.source(opts.ImageSize)}
		}
	}
	return d, nil
}
