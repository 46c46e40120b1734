package main

import (
	"image"
	"image/color"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alexnet-vk/alexnet/gpu/gputest"
	"github.com/alexnet-vk/alexnet/train"
	"github.com/alexnet-vk/alexnet/viz"
)

// The viewer trains under Xvfb while its window shows the dashboard: two screenshots taken a few
// steps apart show a filter panel that is not blank and has changed, a resize re-lays the panels
// for the new size, the status line is written, h shows the help over the panels, c puts the
// confusion matrix in the activations' place, every screenshot's panels are of its step, and q
// checkpoints and exits 0; then --watch browses that checkpoint with the run's full curves. All
// with validation on when $ALEXNET_VALIDATION=1 (make test), and no message from the layer.
func TestViewerTrainsShowsAndQuits(t *testing.T) {
	gputest.Device(t) // applies the device policy: fails under make test when there is no device
	data, out := t.TempDir(), t.TempDir()
	writeIDX(t, data, 256, 1, "train")
	writeIDX(t, data, 64, 2, "t10k")
	env := []string{"DISPLAY=" + startXvfb(t),
		scriptEnv + "=steps:2 s space n space steps:3 s l resize:720x450 steps:2 s h s h c s q"}
	code, log := runViewer(t, env, "--data", data, "--out", out, "--batch", "16", "--refresh", "1",
		"--eval-limit", "32", "--eval-every", "5", "--workers", "2", "--quiet", "--width", "640", "--height", "400", "--lr", "0.05")
	if code != 0 {
		t.Fatalf("viewer exited %d; output:\n%s", code, log)
	}
	if strings.Contains(log, "validation") {
		t.Errorf("the validation layer reported problems:\n%s", log)
	}
	if !strings.Contains(log, "slowdown") {
		t.Errorf("no slowdown report in the output:\n%s", log)
	}
	shots, _ := filepath.Glob(filepath.Join(out, "screenshot-*.png"))
	if len(shots) != 5 {
		t.Fatalf("screenshots %q, want 5; output:\n%s", shots, log)
	}
	for _, step := range []string{"2", "5", "7"} {
		if want := "(step " + step + ", probe panels from step " + step + ")"; !strings.Contains(log, want) {
			t.Errorf("no screenshot %s in the output:\n%s", want, log)
		}
	}
	a, b, c := loadPNG(t, shots[0]), loadPNG(t, shots[1]), loadPNG(t, shots[2])
	if a.Rect.Size() != image.Pt(640, 400) || b.Rect != a.Rect {
		t.Fatalf("screenshots are %v and %v, want the 640×400 window", a.Rect, b.Rect)
	}
	filters, _, _, _ := viz.DashboardLayout(640, 400)
	for i, img := range []*image.RGBA{a, b} {
		if n := colours(img, filters); n < 64 {
			t.Errorf("screenshot %d: the filter panel %v has %d colours: blank", i+1, filters, n)
		}
	}
	f := changed(a, b, filters)
	t.Logf("filter panel: %d and %d colours; %.1f%% of its pixels changed between steps 2 and 5", colours(a, filters), colours(b, filters), 100*f)
	if os.Getenv("ALEXNET_VIEWER_KEEP") != "" {
		exec.Command("cp", "-r", out, os.Getenv("ALEXNET_VIEWER_KEEP")).Run()
	}
	if f < 0.01 {
		t.Errorf("the filter panel changed in %.2f%% of its pixels between steps 2 and 5, want ≥ 1%%", 100*f)
	}
	if c.Rect.Size() != image.Pt(720, 450) {
		t.Errorf("after the resize the screenshot is %v, want 720×450", c.Rect)
	} else if f, _, _, _ := viz.DashboardLayout(720, 450); colours(c, f) < 64 {
		t.Errorf("after the resize the filter panel %v is blank", f)
	}
	// Screenshots 3, 4 and 5 are of step 7: plain, with the help, and with the confusion matrix.
	help, conf := loadPNG(t, shots[3]), loadPNG(t, shots[4])
	full := image.Rect(0, 0, 720, 450)
	mid := image.Rect(260, 150, 460, 300)
	if f := changed(c, help, mid); f < 0.3 {
		t.Errorf("h changed %.0f%% of the window's middle, want the help box over it", 100*f)
	}
	if f := changed(c, help, viz.StatusRect(720, 450)); f != 0 {
		t.Errorf("h changed the status line")
	}
	if n := colours(c, viz.StatusRect(720, 450)); n < 3 {
		t.Errorf("the status line has %d colours: no text", n)
	}
	_, acts, _, _ := viz.DashboardLayout(720, 450)
	if f := changed(c, conf, acts); f < 0.2 {
		t.Errorf("c changed %.0f%% of the activations' panel, want the confusion matrix there", 100*f)
	}
	if f := changed(help, conf, full.Intersect(image.Rect(0, 0, 200, 450))); f > 0.05 {
		t.Errorf("c (and h again) changed %.0f%% of the left of the window, want only the right panel", 100*f)
	}
	if rows, err := train.ReadHistory(filepath.Join(out, "history.csv")); err != nil || len(rows) != 7 {
		t.Errorf("history.csv: %d rows, %v; want one per step, 7", len(rows), err)
	}
	cks := train.Checkpoints(out)
	if len(cks) == 0 {
		t.Fatalf("no checkpoint in %s after q; output:\n%s", out, log)
	}
	ck, err := train.LoadCheckpoint(cks[len(cks)-1])
	if err != nil {
		t.Fatal(err)
	}
	if ck.State == nil || ck.State.Step != 7 {
		t.Errorf("checkpoint %s holds %+v, want the state after 7 steps", ck.Path, ck.State)
	}

	code, log = runViewer(t, []string{env[0], scriptEnv + "=s q"}, "--watch", out, "--width", "480", "--height", "320")
	if code != 0 || !strings.Contains(log, "showing "+ck.Path) {
		t.Fatalf("viewer --watch exited %d; output:\n%s", code, log)
	}
	shots, _ = filepath.Glob(filepath.Join(out, "screenshot-*.png"))
	if len(shots) != 6 {
		t.Fatalf("--watch: screenshots %q, want a sixth; output:\n%s", shots, log)
	}
	w := loadPNG(t, filepath.Join(out, "screenshot-000000000007-4.png"))
	fr, _, cr, _ := viz.DashboardLayout(480, 320)
	if w.Rect.Size() != image.Pt(480, 320) || colours(w, fr) < 64 {
		t.Errorf("--watch screenshot %v: blank filter panel or wrong size", w.Rect)
	}
	if n := countRGB(w, cr, color.RGBA{86, 180, 233, 255}); n < 40 {
		t.Errorf("--watch: the curves panel has %d pixels of the training curve's colour, want the run's curves from history.csv", n)
	}
}

// Without a display the viewer says to use train --viz-every and exits 1, before touching Vulkan.
func TestViewerWithoutDisplay(t *testing.T) {
	code, log := runViewer(t, []string{"DISPLAY=", "WAYLAND_DISPLAY="})
	if code != 1 || !strings.Contains(log, "train --viz-every N") || !strings.Contains(log, "DISPLAY") {
		t.Fatalf("exit %d, output %q; want 1 and a message naming $DISPLAY and train --viz-every N", code, log)
	}
}

// Bad flags and scripts are usage errors (exit 2) that name the culprit.
func TestViewerUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		env  []string
		args []string
		want string
	}{
		{nil, []string{"--refresh", "-1"}, "--refresh"},
		{nil, []string{"extra"}, `"extra"`},
		{[]string{scriptEnv + "=steps:x"}, nil, "steps:x"},
		{[]string{scriptEnv + "=jump"}, nil, `"jump"`},
	} {
		code, log := runViewer(t, append(tc.env, "DISPLAY="), tc.args...)
		if code != 2 || !strings.Contains(log, tc.want) {
			t.Errorf("%v %v: exit %d, output %q; want 2 and a message naming %s", tc.env, tc.args, code, log, tc.want)
		}
	}
}
