package viz

import (
	"image"
	"testing"
)

// testDashboard returns a dashboard with every part filled by small synthetic data.
func testDashboard() *Dashboard {
	return &Dashboard{
		Filters: gaborFilters(16, 3, 7, 7), K: 16, C: 3, R: 7, S: 7, Groups: 2, FilterTitle: "conv1 step 300",
		Act: activationPatterns(12, 9, 9, false), ActC: 12, ActH: 9, ActW: 9, ActCaption: ShapeCaption("conv2", 12, 9, 9),
		Series: trainingCurves(300, -1),
		Probe:  shirtImage(), Top: []Prediction{{"T-shirt/top", 0.6}, {"Shirt", 0.3}, {"Dress", 0.1}},
		ProbeTitle: "probe 0", Truth: "T-shirt/top",
		ActInput: fashionLike(), Status: "step 300/1200  epoch 1/3  lr 0.01  loss 0.412  410 img/s  ETA 1m05s  training",
	}
}

func withHelp(d *Dashboard) *Dashboard {
	d.Help = []string{"space  pause / resume", "h, ?   this help", "q      checkpoint and quit"}
	return d
}

func withConfusion(d *Dashboard) *Dashboard {
	d.Alt, d.AltTitle = ConfusionMatrix(fashionConfusion(), fashionNames, ConfusionOptions{}), "confusion at step 300"
	d.FilterShared = true
	return d
}

func TestDashboardGolden(t *testing.T) {
	cases := []struct {
		name string
		d    *Dashboard
		w, h int
	}{
		{"dashboard_320x240", testDashboard(), 320, 240},
		{"dashboard_portrait_240x360", testDashboard(), 240, 360},
		{"dashboard_empty_320x240", &Dashboard{}, 320, 240},
		{"dashboard_help_480x320", withHelp(testDashboard()), 480, 320},
		{"dashboard_confusion_480x320", withConfusion(testDashboard()), 480, 320},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { checkGolden(t, tc.name, tc.d.Render(tc.w, tc.h)) })
	}
}

// TestDashboardRelays checks, for many window sizes, that the panels stay inside the window
// without overlapping, that curves are rendered at their rectangle's exact size (crisp text), and
// that the mosaic is drawn at the largest whole scale whose real rendered size fits under its title.
func TestDashboardRelays(t *testing.T) {
	d := testDashboard()
	sizes := []image.Point{{320, 240}, {321, 241}, {1280, 800}, {800, 1280}, {2560, 1440}, {640, 480}}
	for _, sz := range sizes {
		f, a, c, p := DashboardLayout(sz.X, sz.Y)
		rects := []image.Rectangle{f, a, c, p}
		for i, r := range rects {
			if r.Empty() || !r.In(image.Rect(0, 0, sz.X, sz.Y)) {
				t.Fatalf("%v: panel %d at %v, want a non-empty rectangle inside the window", sz, i, r)
			}
			for j := 0; j < i; j++ {
				if r.Overlaps(rects[j]) {
					t.Errorf("%v: panels %d and %d overlap", sz, j, i)
				}
			}
		}
		img := d.Render(sz.X, sz.Y)
		want := Curves(d.Series, CurveOptions{Width: c.Dx(), Height: c.Dy()})
		if msg := firstDiff(img.SubImage(c).(*image.RGBA), want); msg != "" {
			t.Errorf("%v: curves panel is not Curves at %v: %s", sz, c.Size(), msg)
		}
		body := f
		body.Min.Y += titleBand
		if !mosaicDrawnAtLargestScale(img, body, d) {
			t.Errorf("%v: the filter panel %v holds no mosaic drawn at the largest whole scale that fits", sz, body)
		}
	}
}

// mosaicDrawnAtLargestScale reports whether, for some column count, the mosaic rendered at the
// largest whole scale whose real size fits body appears centred in body.
func mosaicDrawnAtLargestScale(img *image.RGBA, body image.Rectangle, d *Dashboard) bool {
	for cols := 1; cols <= d.K; cols++ {
		var best *image.RGBA
		for s := 1; s <= maxPanelScale; s++ {
			m := FilterMosaic(d.Filters, d.K, d.C, d.R, d.S, d.Groups, MosaicOptions{Cols: cols, Scale: s, Shared: d.FilterShared, Bar: true})
			if m.Rect.Dx() <= body.Dx() && m.Rect.Dy() <= body.Dy() {
				best = m
			}
		}
		if best == nil {
			continue
		}
		at := body.Min.Add(body.Size().Sub(best.Rect.Size()).Div(2))
		if firstDiff(img.SubImage(image.Rectangle{Min: at, Max: at.Add(best.Rect.Size())}).(*image.RGBA), best) == "" {
			return true
		}
	}
	return false
}

// TestDashboardBadInput checks tiny windows and inconsistent shapes give placeholders, not panics.
func TestDashboardBadInput(t *testing.T) {
	bad := testDashboard()
	bad.K = 17 // len(Filters) no longer matches
	bad.ActW = 0
	cases := []struct {
		name string
		d    *Dashboard
		w, h int
	}{
		{"1x1", testDashboard(), 1, 1},
		{"20x15", testDashboard(), 20, 15},
		{"bad shapes", bad, 320, 240},
	}
	for _, tc := range cases {
		img := tc.d.Render(tc.w, tc.h)
		if img.Rect.Dx() != tc.w || img.Rect.Dy() != tc.h {
			t.Errorf("%s: size %v", tc.name, img.Rect.Size())
		}
	}
	f, _, _, _ := DashboardLayout(320, 240)
	img := bad.Render(320, 240)
	if countIn(img, f, axisColor) == 0 {
		t.Errorf("bad filter shape: no placeholder text in the filter panel")
	}
}

// BenchmarkDashboard1280x800 measures a full viewer redraw from tensors: the paper's 96
// conv1 filters, conv1's 96×55×55 activations, 5,000-step curves and the probe panel.
func BenchmarkDashboard1280x800(b *testing.B) {
	d := &Dashboard{
		Filters: gaborFilters(96, 3, 11, 11), K: 96, C: 3, R: 11, S: 11, Groups: 2, FilterTitle: "conv1",
		Act: activationPatterns(96, 55, 55, false), ActC: 96, ActH: 55, ActW: 55, ActCaption: ShapeCaption("conv1", 96, 55, 55),
		Series: trainingCurves(5000, -1),
		Probe:  shirtImage(), Top: []Prediction{{"T-shirt/top", 0.9}, {"Shirt", 0.1}},
	}
	dst := image.NewRGBA(image.Rect(0, 0, 1280, 800))
	for b.Loop() {
		d.RenderInto(dst)
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/frame")
}
