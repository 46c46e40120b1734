package data

import (
	"crypto/sha256"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/alexnet-vk/alexnet/internal/regfile"
)

// An ImageFolder split folder holds one folder per class. A class folder that is a symbolic link
// to a folder is followed, as torchvision's ImageFolder does (datasets are often assembled from
// links), and named in a warning so that a link pointing somewhere unexpected is seen. Inside a
// class folder, links to files are followed and links to folders are not (no cycles). FIFOs,
// devices and sockets are skipped by type and listed with the other skipped files; a class folder
// without images stays a class and is named in a warning.

// folderScan is what scanning one split folder found.
type folderScan struct {
	dir      string
	files    []string // image files, class after class, each class's in lexical order
	labels   []int32  // index into the train folder's classes, per file
	have     []string // class folders present in this split
	perClass []int    // images found per class (index as labels)
	linked   []string // class folders that are symbolic links, as "path -> target"
	ident    hash.Hash
}

// subdirs returns the sorted names of the folders directly inside dir (links to folders included).
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

// scanSplit lists the images of one split folder, whose class folders must all be among classes
// (the train folder's); labels index classes. Files that are not images, are empty or are not
// regular files are recorded in skipped.
func scanSplit(dir string, classes []string, skipped *skipList) (*folderScan, error) {
	have, err := folderClasses(dir)
	if err != nil {
		return nil, err
	}
	index := map[string]int{}
	for i, c := range classes {
		index[c] = i
	}
	s := &folderScan{dir: dir, have: have, perClass: make([]int, len(classes)), ident: sha256.New()}
	for _, c := range have {
		ci, ok := index[c]
		if !ok {
			return nil, fmt.Errorf("data: %s: class folder %q is not among the %d classes of the train folder", dir, c, len(classes))
		}
		if err := s.scanClass(c, ci, skipped); err != nil {
			return nil, fmt.Errorf("data: reading ImageFolder %s: %v", dir, err)
		}
	}
	return s, nil
}

// scanClass adds the images under dir/c (recursively, in lexical order) with label ci.
func (s *folderScan) scanClass(c string, ci int, skipped *skipList) error {
	root := filepath.Join(s.dir, c)
	if fi, err := os.Lstat(root); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		target, _ := os.Readlink(root)
		s.linked = append(s.linked, root+" -> "+target)
	}
	// os.DirFS opens root by name, so a class folder that is a link is walked as the folder it
	// points to; the walk itself does not follow links below it.
	return fs.WalkDir(os.DirFS(root), ".", func(rel string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			return nil
		}
		p := filepath.Join(root, filepath.FromSlash(rel))
		if !imageExts[strings.ToLower(filepath.Ext(p))] {
			skipped.add(p, p+": not a .jpg, .jpeg or .png file")
			return nil
		}
		fi, err := e.Info()
		if err != nil {
			return err
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			if fi, err = os.Stat(p); err != nil {
				skipped.add(p, fmt.Sprintf("%s: a symbolic link whose target cannot be read (%v)", p, err))
				return nil
			}
		}
		switch {
		case !fi.Mode().IsRegular():
			skipped.add(p, fmt.Sprintf("%s: %s, not a regular file", p, regfile.Describe(fi.Mode())))
			return nil
		case fi.Size() == 0:
			skipped.add(p, p+": empty file (0 bytes)")
			return nil
		}
		s.files = append(s.files, p)
		s.labels = append(s.labels, int32(ci))
		s.perClass[ci]++
		fmt.Fprintf(s.ident, "%s/%s\x00%d\x00%d\x00%d\n", c, rel, ci, fi.Size(), fi.ModTime().UnixNano())
		return nil
	})
}

// source returns the split as a folderSource of size×size images. Its fingerprint is the SHA-256
// of every file's class, relative path, size and modification time.
func (s *folderScan) source(size int) *folderSource {
	return &folderSource{root: s.dir, files: s.files, labels: s.labels, size: size, ident: fmt.Sprintf("%x", s.ident.Sum(nil))}
}

// report warns about class folders without images and class folders that are symbolic links.
func (s *folderScan) report(w io.Writer, classes []string) {
	if w == nil {
		return
	}
	index := map[string]int{}
	for i, c := range classes {
		index[c] = i
	}
	var empty []string
	for _, c := range s.have {
		if s.perClass[index[c]] == 0 {
			empty = append(empty, filepath.Join(s.dir, c))
		}
	}
	if len(empty) > 0 {
		fmt.Fprintf(w, "data: warning: %d class folder(s) hold no images; each stays a class (an output of the net) that no image trains or tests: %s\n",
			len(empty), listNames(empty))
	}
	if len(s.linked) > 0 {
		fmt.Fprintf(w, "data: warning: %d class folder(s) are symbolic links, followed: %s\n", len(s.linked), listNames(s.linked))
	}
}

// listNames joins up to warnListMax names and counts the rest.
func listNames(names []string) string {
	if len(names) <= warnListMax {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:warnListMax], ", ") + fmt.Sprintf(" and %d more", len(names)-warnListMax)
}
