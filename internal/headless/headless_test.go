package headless

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/alexnet-vk/alexnet"

// windowed are the packages allowed to import the window system: the window and its only user.
var windowed = []string{module + "/gpu/window", module + "/cmd/viewer"}

// headlessCommands must start on a machine without display libraries.
var headlessCommands = []string{"train", "classify", "evaluate", "bench", "prep", "devices"}

// displayImports are the module paths that bring GLFW and X11 (vgpu imports glfw on Linux).
var displayImports = []string{"github.com/go-gl/glfw", "github.com/goki/vgpu", "github.com/goki/vulkan"}

// displayLibs are prefixes of the shared libraries a window system brings.
var displayLibs = []string{"libX", "libxcb", "libglfw", "libGL", "libEGL", "libwayland"}

// goTool returns the go command that runs this test.
func goTool(t *testing.T) string {
	t.Helper()
	g := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(g); err != nil {
		if g, err = exec.LookPath("go"); err != nil {
			t.Fatalf("the go command is needed to build the binaries: %v", err)
		}
	}
	return g
}

// root is the module's directory (two levels up from this package).
func root(t *testing.T) string {
	t.Helper()
	r, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func goCmd(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(goTool(t), args...)
	cmd.Dir = root(t)
	out, err := cmd.Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, msg)
	}
	return string(out)
}

func isWindowed(pkg string) bool {
	// Test variants read "pkg [pkg.test]", external test packages "pkg_test [pkg.test]" and test
	// mains "pkg.test".
	base, _, _ := strings.Cut(pkg, " ")
	base = strings.TrimSuffix(strings.TrimSuffix(base, ".test"), "_test")
	return slices.Contains(windowed, base)
}

// Every package and every test binary except the window's and the viewer's has no display import
// among its dependencies (`go list -test`: .Deps is transitive); the viewer's has, so the check can
// see one.
func TestNoDisplayImports(t *testing.T) {
	out := goCmd(t, "list", "-test", "-f", `{{.ImportPath}}|{{join .Deps " "}}`, "./...")
	checked, sawViewer := 0, false
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		pkg, deps, _ := strings.Cut(line, "|")
		var bad []string
		for _, d := range strings.Fields(deps) {
			for _, p := range displayImports {
				if d == p || strings.HasPrefix(d, p+"/") {
					bad = append(bad, d)
				}
			}
		}
		if isWindowed(pkg) {
			if pkg == module+"/cmd/viewer" {
				sawViewer = len(bad) > 0
			}
			continue
		}
		checked++
		if len(bad) > 0 {
			t.Errorf("%s depends on %s (only %s may)", pkg, strings.Join(bad, ", "), strings.Join(windowed, " and "))
		}
	}
	if !sawViewer {
		t.Errorf("cmd/viewer shows no display import: the check cannot see them")
	}
	t.Logf("%d packages and test binaries depend on no display package", checked)
}

// needed returns the DT_NEEDED entries of an ELF file.
func needed(t *testing.T, path string) []string {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	libs, err := f.ImportedLibraries()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return libs
}

func displayLibsOf(libs []string) []string {
	var bad []string
	for _, l := range libs {
		for _, p := range displayLibs {
			if strings.HasPrefix(l, p) {
				bad = append(bad, l)
			}
		}
	}
	return bad
}

// The headless commands and the gpu and train test binaries, as built, ask the dynamic linker for no
// display library; the viewer, built the same way, asks for libX11, so the check can see one.
func TestBinariesNeedNoDisplayLibraries(t *testing.T) {
	dir := t.TempDir()
	var pkgs []string
	for _, c := range append(slices.Clone(headlessCommands), "viewer") {
		pkgs = append(pkgs, "./cmd/"+c)
	}
	goCmd(t, append([]string{"build", "-o", dir + "/"}, pkgs...)...)
	// Two test binaries stand for the rest (TestNoDisplayImports covers every one's imports): gpu's,
	// where the cgo lives, and train's, which links nearly everything.
	goCmd(t, "test", "-c", "-o", dir+"/", "./gpu", "./train")
	bins := append(slices.Clone(headlessCommands), "gpu.test", "train.test")
	for _, b := range bins {
		libs := needed(t, filepath.Join(dir, b))
		if bad := displayLibsOf(libs); len(bad) > 0 {
			t.Errorf("%s needs %s", b, strings.Join(bad, ", "))
		}
		t.Logf("%-14s DT_NEEDED %s", b, strings.Join(libs, " "))
	}
	if bad := displayLibsOf(needed(t, filepath.Join(dir, "viewer"))); len(bad) == 0 {
		t.Errorf("the viewer needs no display library: the check cannot see them")
	} else {
		t.Logf("%-14s DT_NEEDED includes %s (the window's)", "viewer", strings.Join(bad, " "))
	}
}
