package data

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// imageExts are the file extensions ImageFolder reads (compared in lower case).
var imageExts = map[string]bool{".jpg": true, ".jpeg": true, ".png": true}

// splitDirs are the sub-folder names recognised as splits of an ImageFolder root, train first.
var splitDirs = []string{"train", "val", "validation", "test"}

// folderSource is one ImageFolder split: image files decoded on demand.
type folderSource struct {
	root    string
	files   []string
	labels  []int32
	size    int       // side of the square written by image
	scratch sync.Pool // *decodeScratch, reused between decodes
}

func (f *folderSource) len() int            { return len(f.files) }
func (f *folderSource) label(i int) int32   { return f.labels[i] }
func (f *folderSource) name(i int) string   { return f.files[i] }
func (f *folderSource) close() error        { return nil }
func (f *folderSource) fingerprint() string { return fmt.Sprintf("%s:%d", f.root, len(f.files)) }

func (f *folderSource) image(i int, dst []byte) error {
	b, err := os.ReadFile(f.files[i])
	if err != nil {
		return fmt.Errorf("%v: %w", err, ErrBadImage)
	}
	scratch, _ := f.scratch.Get().(*decodeScratch)
	scratch, err = decodeSquare(f.files[i], b, f.size, dst, scratch)
	f.scratch.Put(scratch)
	return err
}

// subdirs returns the sorted names of the folders directly inside dir.
func subdirs(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range ents {
		if e.IsDir() || (e.Type()&fs.ModeSymlink != 0 && isDir(filepath.Join(dir, e.Name()))) {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
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

// scanFolder lists the image files under dir/<class>/ (recursively, sorted) for the given classes;
// non-image and empty files are recorded in skipped.
func scanFolder(dir string, classes []string, skipped *skipList) (files []string, labels []int32, err error) {
	for ci, c := range classes {
		err := filepath.WalkDir(filepath.Join(dir, c), func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if e.IsDir() {
				return nil
			}
			if !imageExts[strings.ToLower(filepath.Ext(p))] {
				skipped.add(p, p+": not a .jpg, .jpeg or .png file")
				return nil
			}
			fi, err := e.Info()
			if err != nil {
				return err
			}
			if fi.Size() == 0 {
				skipped.add(p, p+": empty file (0 bytes)")
				return nil
			}
			files = append(files, p)
			labels = append(labels, int32(ci))
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("data: reading ImageFolder %s: %v", dir, err)
		}
	}
	return files, labels, nil
}

// folderClasses returns the class folders of an ImageFolder split folder, or an error that says what
// was found instead.
func folderClasses(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("data: %v (%s)", err, layoutsHelp)
	}
	if len(ents) == 0 {
		return nil, fmt.Errorf("data: %s: empty folder (%s)", dir, layoutsHelp)
	}
	classes, err := subdirs(dir)
	if err != nil {
		return nil, fmt.Errorf("data: %v", err)
	}
	if len(classes) == 0 {
		return nil, fmt.Errorf("data: %s: no class subfolders, only files (%s)", dir, layoutsHelp)
	}
	return classes, nil
}

// scanSplit lists the images of one split folder whose class folders must all be among classes
// (the train folder's); labels index classes.
func scanSplit(dir string, classes []string, skipped *skipList) (files []string, labels []int32, err error) {
	have, err := folderClasses(dir)
	if err != nil {
		return nil, nil, err
	}
	index := map[string]int{}
	for i, c := range classes {
		index[c] = i
	}
	for _, c := range have {
		ci, ok := index[c]
		if !ok {
			return nil, nil, fmt.Errorf("data: %s: class folder %q is not among the %d classes of the train folder", dir, c, len(classes))
		}
		f, _, err := scanFolder(dir, []string{c}, skipped)
		if err != nil {
			return nil, nil, err
		}
		files = append(files, f...)
		for range f {
			labels = append(labels, int32(ci))
		}
	}
	return files, labels, nil
}

// openImageFolder opens root/<class>/* or root/train/<class>/* with root/val/<class>/*; classes are
// the sorted folder names of the train folder, and a val class must be one of them.
func openImageFolder(root string, opts OpenOptions) (*Dataset, error) {
	trainDir, testDir, testName := splitFolders(root)
	classes, err := folderClasses(trainDir)
	if err != nil {
		return nil, err
	}
	d := &Dataset{Classes: classes, Channels: 3, Height: opts.ImageSize, Width: opts.ImageSize}
	var skipped skipList
	defer skipped.flush(opts.Warn, "files that are not images or are empty")
	files, labels, err := scanFolder(trainDir, classes, &skipped)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("data: %s: no .jpg, .jpeg or .png files in the %d class folders (%s)", trainDir, len(classes), layoutsHelp)
	}
	d.Train = &Split{Name: "train", src: &folderSource{root: trainDir, files: files, labels: labels, size: opts.ImageSize}}
	if testDir != "" {
		tfiles, tlabels, err := scanSplit(testDir, classes, &skipped)
		if err != nil {
			return nil, err
		}
		if len(tfiles) > 0 {
			d.Test = &Split{Name: testName, src: &folderSource{root: testDir, files: tfiles, labels: tlabels, size: opts.ImageSize}}
		}
	}
	return d, nil
}
