package shaders

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// glslcFlags must match GLSLC_FLAGS in the Makefile (checked below), so the test compiles exactly as
// `make shaders` does.
const glslcFlags = "--target-env=vulkan1.2 -O"

func TestMakefileFlags(t *testing.T) {
	mk, err := os.ReadFile("../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^GLSLC_FLAGS := (.*)$`).FindSubmatch(mk)
	if m == nil || string(m[1]) != glslcFlags {
		t.Fatalf("Makefile GLSLC_FLAGS = %q, this test compiles with %q: keep them equal", m, glslcFlags)
	}
}

// Every .comp has a committed .spv equal to what glslc makes from it now; every .spv has its source.
func TestSPIRVUpToDate(t *testing.T) {
	glslc, err := exec.LookPath("glslc")
	if err != nil {
		t.Fatal("glslc not found: run `make setup` (it installs glslc), then `make shaders`")
	}
	srcs, _ := filepath.Glob("*.comp")
	spvs, _ := filepath.Glob("*.spv")
	if len(srcs) == 0 {
		t.Fatal("no shader sources found")
	}
	have := map[string]bool{}
	for _, s := range srcs {
		have[strings.TrimSuffix(s, ".comp")] = true
	}
	for _, s := range spvs {
		if !have[strings.TrimSuffix(s, ".spv")] {
			t.Errorf("%s is orphaned: no %s.comp (delete it)", s, strings.TrimSuffix(s, ".spv"))
		}
	}
	tmp := t.TempDir()
	for _, src := range srcs {
		name := strings.TrimSuffix(src, ".comp")
		committed, err := os.ReadFile(name + ".spv")
		if err != nil {
			t.Errorf("%s has no compiled %s.spv: run `make shaders`", src, name)
			continue
		}
		out := filepath.Join(tmp, name+".spv")
		args := append(strings.Fields(glslcFlags), "-I", ".", "-o", out, src)
		if msg, err := exec.Command(glslc, args...).CombinedOutput(); err != nil {
			t.Errorf("glslc %s: %v\n%s", src, err, msg)
			continue
		}
		fresh, _ := os.ReadFile(out)
		if !bytes.Equal(fresh, committed) {
			t.Errorf("%s.spv is stale: it differs from what glslc makes from %s now; run `make shaders`", name, src)
		}
		if _, err := FS.ReadFile(name + ".spv"); err != nil {
			t.Errorf("%s.spv is not embedded", name)
		}
	}
}
