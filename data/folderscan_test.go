package data

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Empty class folders and class folders that are symbolic links are reported by name; linked ones
// are followed (before, their images were silently missing), empty ones stay classes.
func TestClassFolderWarnings(t *testing.T) {
	root := t.TempDir()
	makeImageFolder(t, root, "", 2)
	os.Mkdir(filepath.Join(root, "empty"), 0o755)
	writeFile(t, root, "onlytext/readme.txt", []byte("no images here"))
	elsewhere := t.TempDir()
	makeImageFolder(t, elsewhere, "", 3)
	if err := os.Symlink(filepath.Join(elsewhere, "classa"), filepath.Join(root, "linked")); err != nil {
		t.Fatal(err)
	}
	// A link to a folder inside a class folder is not followed (no cycles): it is skipped.
	os.Symlink(root, filepath.Join(root, "classb", "loop.png"))
	warn := &syncBuffer{}
	d, err := Open(root, OpenOptions{ImageSize: 8, Warn: warn, CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(d.Classes, ",") != "classa,classb,classc,empty,linked,onlytext" {
		t.Fatalf("classes %v", d.Classes)
	}
	linked := 0
	for i := 0; i < d.Train.Len(); i++ {
		if d.Classes[d.Train.Label(i)] == "linked" {
			linked++
		}
	}
	if d.Train.Len() != 9 || linked != 3 {
		t.Fatalf("%d images, %d from the linked class folder; want 9 and 3", d.Train.Len(), linked)
	}
	w := warn.String()
	for _, s := range []string{
		"2 class folder(s) hold no images", filepath.Join(root, "empty"), filepath.Join(root, "onlytext"),
		"1 class folder(s) are symbolic links, followed: " + filepath.Join(root, "linked") + " -> " + filepath.Join(elsewhere, "classa"),
		filepath.Join(root, "classb", "loop.png") + ": a directory, not a regular file",
	} {
		if !strings.Contains(w, s) {
			t.Errorf("warnings %q do not say %q", w, s)
		}
	}
}
