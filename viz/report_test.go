package viz_test

import (
	"context"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alexnet-vk/alexnet/viz"
	"github.com/alexnet-vk/alexnet/viz/chrome"
)

// browser starts headless Chromium for a test (chrome.StartForTest).
func browser(t *testing.T) *chrome.Browser { return chrome.StartForTest(t) }

func uniform(w, h int, c color.RGBA) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	return img
}

// A report built from real renderings loads in Chromium with every picture decoded and not
// blank, no console message, and no request beyond the page itself.
func TestReportInBrowser(t *testing.T) {
	b := browser(t)
	dir := t.TempDir()
	curves := viz.Curves([]viz.Series{{Name: "train", Metric: viz.Loss, Step: []int{1, 2, 3}, Value: []float64{2, 1, 0.5}},
		{Name: "test", Metric: viz.Accuracy, Step: []int{3}, Value: []float64{0.7}, Markers: true},
		{Name: "lr", Metric: viz.LR, Step: []int{1, 2, 3}, Value: []float64{0.01, 0.01, 0.001}}}, viz.CurveOptions{})
	conf := viz.ConfusionMatrix([][]int{{5, 1}, {2, 7}}, []string{"cat", "dog <&>"}, viz.ConfusionOptions{Title: "confusion"})
	var figs []viz.Figure
	for i, img := range []image.Image{curves, conf} {
		f, err := viz.NewFigure([]string{"curves", "confusion"}[i], []string{"curves", "confusion <matrix>"}[i], "a caption & more", img)
		if err != nil {
			t.Fatal(err)
		}
		figs = append(figs, f)
	}
	r := viz.Report{Title: "run <test>", Subtitle: "step 3", Summary: []viz.KV{{"top-1", "70 %"}}, Figures: figs,
		Tables:   []viz.Table{{ID: "per-class", Title: "per class", Head: []string{"class", "accuracy"}, Rows: [][]string{{"cat", "83 %"}}}},
		Settings: []viz.KV{{"lr", "0.01"}, {"data", `"/x/<y>"`}}}
	path := filepath.Join(dir, "report.html")
	if err := viz.WriteReport(path, r); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	start := time.Now()
	p, err := b.Load(ctx, "file://"+path, 1200)
	if err != nil {
		t.Fatalf("%v; browser output:\n%s", err, b.Stderr())
	}
	t.Logf("loaded and checked in %v: %d pictures, screenshot %d bytes", time.Since(start).Round(time.Millisecond), len(p.Pictures), len(p.Screenshot))
	if p.Title != "run <test>" {
		t.Errorf("title %q", p.Title)
	}
	if len(p.Pictures) != 2 {
		t.Fatalf("%d pictures in the page, want 2: %+v", len(p.Pictures), p.Pictures)
	}
	for i, pic := range p.Pictures {
		want := []image.Image{curves, conf}[i].Bounds().Size()
		if !pic.Complete || pic.Width != want.X || pic.Height != want.Y || pic.Colours < 3 {
			t.Errorf("picture %d %+v: want it decoded at %v with ≥ 3 colours (not blank)", i, pic, want)
		}
	}
	if len(p.Problems) > 0 || len(p.Requests) > 0 {
		t.Errorf("console problems %q, requests %q; want none", p.Problems, p.Requests)
	}
	if img, err := decodePNG(p.Screenshot); err != nil || img.Bounds().Dx() != 1200 || img.Bounds().Dy() < 400 {
		t.Errorf("screenshot: %v, %v; want a PNG 1200 wide showing the page", err, boundsOf(img))
	}
	if os.Getenv("ALEXNET_REPORT_SHOT") != "" {
		os.WriteFile(os.Getenv("ALEXNET_REPORT_SHOT"), p.Screenshot, 0o644)
	}
}

// The check itself catches a blank picture, a broken one, a console error and a request to the
// network.
func TestBrowserCheckCatchesFaults(t *testing.T) {
	b := browser(t)
	dir := t.TempDir()
	blank, err := viz.NewFigure("blank", "blank", "", uniform(40, 30, color.RGBA{9, 9, 9, 255}))
	if err != nil {
		t.Fatal(err)
	}
	page := `<!DOCTYPE html><html><head><title>faults</title></head><body>
<img alt="blank" src="` + string(blank.DataURL()) + `">
<img alt="broken" src="data:image/png;base64,iVBORw0KGgoAAAAN">
<img alt="remote" src="http://127.0.0.1:9/x.png">
<script>console.error("something broke")</script>
</body></html>`
	path := filepath.Join(dir, "faults.html")
	if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	p, err := b.Load(ctx, "file://"+path, 640)
	if err != nil {
		t.Fatalf("%v; browser output:\n%s", err, b.Stderr())
	}
	if len(p.Pictures) != 3 || p.Pictures[0].Colours != 1 || p.Pictures[1].Width != 0 || p.Pictures[2].Width != 0 {
		t.Errorf("pictures %+v: want a blank one (1 colour) and two that did not load", p.Pictures)
	}
	if !strings.Contains(strings.Join(p.Problems, "\n"), "something broke") {
		t.Errorf("problems %q: the console error is missing", p.Problems)
	}
	if len(p.Requests) != 1 || !strings.HasPrefix(p.Requests[0], "http://127.0.0.1:9/") {
		t.Errorf("requests %q: want the one to 127.0.0.1:9", p.Requests)
	}
}
