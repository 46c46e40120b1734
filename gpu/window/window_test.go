package window_test

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"slices"
	"testing"
	"time"

	"github.com/alexnet-vk/alexnet/gpu/gputest"
	"github.com/alexnet-vk/alexnet/gpu/window"
)

// pattern is a test image with distinct values in every channel across the frame: gradients in red
// and green, a checkerboard in blue, and a solid marker block whose colour depends on seed.
func pattern(w, h, seed int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{uint8(x * 255 / max(w-1, 1)), uint8(y * 255 / max(h-1, 1)), uint8(((x/8 + y/8 + seed) % 2) * 200), 255}
			if x >= 10 && x < 40 && y >= 10 && y < 40 {
				c = color.RGBA{uint8(50 * seed), 255 - uint8(50*seed), 77, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

// screenMatches reads the window's area from the X server and compares it with img.
func screenMatches(t *testing.T, x *xconn, w *window.Window, img *image.RGBA) {
	t.Helper()
	px, py := w.Position()
	var got *image.RGBA
	var diff float64
	// Presentation is asynchronous: give the X server a moment to receive the frame (up to 20 s, for
	// a machine that other test binaries keep busy).
	for start := time.Now(); time.Since(start) < 20*time.Second; {
		var err error
		if got, err = x.grab(image.Rectangle{Min: image.Pt(px, py), Max: image.Pt(px, py).Add(img.Rect.Size())}); err != nil {
			t.Fatal(err)
		}
		if diff = meanAbsDiff(got, img); diff < 0.5 {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	worst, at := 0, image.Pt(25, 25)
	for y := 0; y < img.Rect.Dy(); y++ {
		for x := 0; x < img.Rect.Dx(); x++ {
			a, b := got.RGBAAt(x, y), img.RGBAAt(x, y)
			if d := absDiff(a.R, b.R) + absDiff(a.G, b.G) + absDiff(a.B, b.B); d > worst {
				worst, at = d, image.Pt(x, y)
			}
		}
	}
	t.Fatalf("the screen at the window (%d,%d) differs from the image shown: mean |Δ| %.2f per channel; worst at %v: %v on screen, %v shown",
		px, py, diff, at, got.RGBAAt(at.X, at.Y), img.RGBAAt(at.X, at.Y))
}

// waitEvents polls the window until pred holds for the events seen so far (or 10 s pass).
func waitEvents(t *testing.T, w *window.Window, what string, pred func([]window.Event) bool) []window.Event {
	t.Helper()
	var seen []window.Event
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		seen = append(seen, w.Wait(0.05)...)
		if pred(seen) {
			return seen
		}
	}
	t.Fatalf("waiting for %s: got events %+v", what, seen)
	return nil
}

// A window on the compute device's GPU puts exactly the image it is given on the X screen, reports
// keys typed through the X server by name, follows a resize and reports a close request from the
// window manager; all validation-clean.
func TestWindowShowsImagesAndReportsKeys(t *testing.T) {
	d := gputest.Device(t)
	disp := startXvfb(t, 640, 480)
	t.Setenv("DISPLAY", fmt.Sprintf(":%d", disp))
	w, err := window.Open(window.Options{Title: "window test", Width: 320, Height: 240, Device: d.Info.Name, Validation: true})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		msgs := w.Messages()
		w.Close()
		for _, m := range msgs {
			t.Errorf("window validation: %s", m)
		}
	}()
	if w.DeviceName() != d.Info.Name {
		t.Errorf("window drawn on %q, compute device is %q", w.DeviceName(), d.Info.Name)
	}
	if fw, fh := w.Size(); fw != 320 || fh != 240 {
		t.Fatalf("window size %d×%d, asked for 320×240", fw, fh)
	}
	x := dialX(t, disp)
	for seed := 0; seed < 2; seed++ { // a second image of the same size reuses the texture
		img := pattern(320, 240, seed)
		if err := w.Show(img); err != nil {
			t.Fatal(err)
		}
		screenMatches(t, x, w, img)
	}

	if err := x.initKeys(); err != nil {
		t.Fatal(err)
	}
	px, py := w.Position()
	for _, ks := range []uint32{'q', ' ', 0xff53 /* Right */, 0xff1b /* Escape */, 's'} {
		if err := x.press(ks, px+100, py+100); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"q", "space", "right", "escape", "s"}
	evs := waitEvents(t, w, "5 key presses", func(ev []window.Event) bool { return len(ev) >= len(want) })
	var keys []string
	for _, e := range evs {
		if e.Kind == window.KeyPress {
			keys = append(keys, e.Key)
		}
	}
	if !slices.Equal(keys, want) {
		t.Errorf("keys reported %q, typed %q", keys, want)
	}

	w.SetSize(400, 300)
	waitEvents(t, w, "a resize to 400×300", func(ev []window.Event) bool {
		return slices.ContainsFunc(ev, func(e window.Event) bool { return e.Kind == window.Resize && e.Width == 400 && e.Height == 300 })
	})
	img := pattern(400, 300, 2)
	if err := w.Show(img); err != nil {
		t.Fatal(err)
	}
	screenMatches(t, x, w, img)

	if err := x.closeTopWindow(); err != nil {
		t.Fatal(err)
	}
	waitEvents(t, w, "a close request", func(ev []window.Event) bool {
		return slices.ContainsFunc(ev, func(e window.Event) bool { return e.Kind == window.Close })
	})
}

// Without a display the error says so (wrapping ErrNoDisplay), for $DISPLAY unset and for a display
// that does not answer.
func TestWindowWithoutDisplay(t *testing.T) {
	for _, disp := range []string{"", ":4093"} {
		t.Setenv("DISPLAY", disp)
		t.Setenv("WAYLAND_DISPLAY", "")
		w, err := window.Open(window.Options{Title: "nowhere"})
		if err == nil {
			w.Close()
			t.Fatalf("DISPLAY=%q: a window opened", disp)
		}
		if !errors.Is(err, window.ErrNoDisplay) {
			t.Errorf("DISPLAY=%q: err = %v, want one wrapping window.ErrNoDisplay", disp, err)
		}
		t.Logf("DISPLAY=%q: %v", disp, err)
	}
}
