package main

import (
	"bufio"
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/alexnet-vk/alexnet/data/datatest"
)

// mainEnv makes the test binary run the viewer's main instead of the tests, so the tests can start
// it as a separate process (its own main thread, window and exit code) without building it.
const mainEnv = "ALEXNET_VIEWER_TEST_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(mainEnv) == "1" {
		os.Exit(run())
	}
	os.Exit(m.Run())
}

// writeIDX writes n learnable MNIST-layout images as <prefix> files (see datatest.WriteIDX).
func writeIDX(t *testing.T, dir string, n, seed int, prefix string) {
	t.Helper()
	if err := datatest.WriteIDX(dir, prefix, n, seed); err != nil {
		t.Fatal(err)
	}
}

// startXvfb starts a private Xvfb server and returns its $DISPLAY; it is killed when t ends.
func startXvfb(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("Xvfb")
	if err != nil {
		t.Fatalf("Xvfb is not installed (the viewer's tests need it): run `make setup` (Debian package xvfb)")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-displayfd", "3", "-screen", "0", "1024x768x24", "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w} // fd 3: the server writes the display number it picked
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting Xvfb: %v", err)
	}
	w.Close()
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	got := make(chan string, 1)
	go func() { s, _ := bufio.NewReader(r).ReadString('\n'); got <- strings.TrimSpace(s); r.Close() }()
	select {
	case s := <-got:
		if s == "" {
			t.Fatal("Xvfb exited without reporting a display")
		}
		return ":" + s
	case <-time.After(30 * time.Second):
		t.Fatal("Xvfb did not start within 30 s")
	}
	return ""
}

// viewer runs the viewer as a child process with env added, and returns its exit code and stderr.
func runViewer(t *testing.T, env []string, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	// The test process's device set lavapipe's vector width for compute (gpu.Open, --vector-width
	// auto); the viewer picks its own (it draws a window), as it would when a person starts it.
	var base []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "LP_NATIVE_VECTOR_WIDTH=") && !strings.HasPrefix(kv, "MESA_SHADER_CACHE_DIR=") {
			base = append(base, kv)
		}
	}
	cmd.Env = append(append(base, mainEnv+"=1"), env...)
	var stderr bytes.Buffer
	cmd.Stderr, cmd.Stdout = &stderr, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("viewer %q did not exit within 4 minutes; output:\n%s", args, stderr.String())
	}
	if err != nil && cmd.ProcessState == nil {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), stderr.String()
}

func loadPNG(t *testing.T, path string) *image.RGBA {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	rgba, ok := img.(*image.RGBA)
	if !ok {
		rgba = image.NewRGBA(img.Bounds())
		for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
			for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
				rgba.Set(x, y, img.At(x, y))
			}
		}
	}
	return rgba
}

// colours counts the distinct colours inside r.
func colours(img *image.RGBA, r image.Rectangle) int {
	seen := map[[3]uint8]bool{}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := img.RGBAAt(x, y)
			seen[[3]uint8{c.R, c.G, c.B}] = true
		}
	}
	return len(seen)
}

// changed is the fraction of pixels inside r that differ between a and b.
func changed(a, b *image.RGBA, r image.Rectangle) float64 {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if a.RGBAAt(x, y) != b.RGBAAt(x, y) {
				n++
			}
		}
	}
	return float64(n) / float64(r.Dx()*r.Dy())
}

// countRGB counts the pixels inside r of colour c.
func countRGB(img *image.RGBA, r image.Rectangle, c color.RGBA) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if img.RGBAAt(x, y) == c {
				n++
			}
		}
	}
	return n
}
