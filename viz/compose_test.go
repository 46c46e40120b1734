package viz

import (
	"image"
	"image/color"
	"testing"
)

func TestComposeGolden(t *testing.T) {
	mosaic := FilterMosaic(gaborFilters(8, 3, 5, 5), 8, 3, 5, 5, 2, MosaicOptions{Scale: 3})
	acts := ActivationGrid(activationPatterns(6, 7, 7, false), 6, 7, 7, "conv1  6x7x7", GridOptions{Scale: 2})
	curves := Curves(trainingCurves(200, -1), CurveOptions{Width: 300, Height: 110})
	checkGolden(t, "compose_320x240", Compose(320, 240, mosaic, acts, curves))
	frames := []image.Image{mosaic, FilterMosaic(gaborFilters(8, 3, 5, 5)[:150], 2, 3, 5, 5, 1, MosaicOptions{Scale: 2}), acts}
	checkGolden(t, "contact_sheet", ContactSheet(frames, []string{"step 0", "step 100", "step 200 long label"}, 2))
}

// TestLayoutProperties checks, for several panel sets and canvas sizes, that every rectangle is
// inside the canvas, keeps its panel's aspect ratio to within a pixel, does not overlap
// another, and that the order reads left to right, top to bottom.
func TestLayoutProperties(t *testing.T) {
	sets := [][]image.Point{
		{{341, 371}},
		{{341, 371}, {560, 600}, {640, 240}, {420, 160}},
		{{100, 100}, {100, 100}, {100, 100}, {100, 100}},
		{{1000, 10}, {10, 1000}, {33, 77}},
		{{5, 5}, {6, 6}, {7, 7}, {8, 8}, {9, 9}, {10, 10}, {11, 11}, {12, 12}, {13, 13}, {14, 14}, {15, 15}, {16, 16}},
	}
	canvases := []image.Point{{320, 240}, {1280, 800}, {800, 1280}, {321, 241}, {1920, 1080}, {40, 30}}
	for si, sizes := range sets {
		for _, cv := range canvases {
			rects := Layout(cv.X, cv.Y, sizes)
			if len(rects) != len(sizes) {
				t.Fatalf("set %d in %v: %d rectangles for %d panels", si, cv, len(rects), len(sizes))
			}
			for i, r := range rects {
				if !r.In(image.Rect(0, 0, cv.X, cv.Y)) && !r.Empty() {
					t.Errorf("set %d in %v: panel %d at %v leaves the canvas", si, cv, i, r)
				}
				s := sizes[i]
				if d := r.Dx()*s.Y - r.Dy()*s.X; abs(d) > s.Y {
					t.Errorf("set %d in %v: panel %d %v drawn %v: aspect off by %d/%d px", si, cv, i, s, r.Size(), d, s.Y)
				}
				for j := 0; j < i; j++ {
					if r.Overlaps(rects[j]) {
						t.Errorf("set %d in %v: panels %d %v and %d %v overlap", si, cv, j, rects[j], i, r)
					}
					if p := rects[j]; !r.Empty() && !(p.Max.X <= r.Min.X && p.Min.Y == r.Min.Y || p.Max.Y <= r.Min.Y) {
						t.Errorf("set %d in %v: panel %d %v is not after panel %d %v in reading order", si, cv, i, r, j, p)
					}
				}
			}
		}
	}
}

func TestLayoutChoosesRows(t *testing.T) {
	sq := image.Pt(100, 100)
	cases := []struct {
		name  string
		w, h  int
		sizes []image.Point
		rows  int
	}{
		{"4 squares in a square", 600, 600, []image.Point{sq, sq, sq, sq}, 2},
		{"4 squares in a wide strip", 1200, 300, []image.Point{sq, sq, sq, sq}, 1},
		{"4 squares in a tall strip", 300, 1200, []image.Point{sq, sq, sq, sq}, 4},
		{"one wide panel", 1280, 800, []image.Point{{640, 240}}, 1},
	}
	for _, tc := range cases {
		rects := Layout(tc.w, tc.h, tc.sizes)
		ys := map[int]bool{}
		covered := 0
		for _, r := range rects {
			ys[r.Min.Y] = true
			covered += r.Dx() * r.Dy()
		}
		if len(ys) != tc.rows {
			t.Errorf("%s: %d rows, want %d (%v)", tc.name, len(ys), tc.rows, rects)
		}
		if covered*2 < tc.w*tc.h/len(tc.sizes) {
			t.Errorf("%s: panels cover only %d of %d pixels", tc.name, covered, tc.w*tc.h)
		}
	}
}

func TestComposeIntoDrawsPanels(t *testing.T) {
	colours := []color.RGBA{{200, 0, 0, 255}, {0, 200, 0, 255}, {0, 0, 200, 255}}
	var panels []image.Image
	for i, c := range colours {
		p := image.NewRGBA(image.Rect(0, 0, 40+20*i, 30))
		fillRect(p, p.Rect, c)
		panels = append(panels, p)
	}
	panels = append(panels[:1], append([]image.Image{nil}, panels[1:]...)...)
	for _, size := range []image.Point{{320, 240}, {1280, 800}, {333, 517}} {
		dst := image.NewRGBA(image.Rectangle{Max: size})
		rects := ComposeInto(dst, panels...)
		if !rects[1].Empty() {
			t.Errorf("%v: nil panel got rectangle %v, want empty", size, rects[1])
		}
		for i, p := range panels {
			if p == nil {
				continue
			}
			c := p.(*image.RGBA).RGBAAt(0, 0)
			if n := countIn(dst, rects[i], c); n != rects[i].Dx()*rects[i].Dy() || n == 0 {
				t.Errorf("%v: panel %d covers %d of its %v pixels", size, i, n, rects[i])
			}
		}
	}
}

func TestScaleIntoNearest(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 2, 2))
	cs := []color.RGBA{{1, 0, 0, 255}, {2, 0, 0, 255}, {3, 0, 0, 255}, {4, 0, 0, 255}}
	for i, c := range cs {
		src.SetRGBA(i%2, i/2, c)
	}
	cases := []struct {
		w, h int
		want []uint8 // R of each destination pixel, row-major
	}{
		{4, 4, []uint8{1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}},
		{3, 1, []uint8{1, 1, 2}},
		{1, 1, []uint8{1}},
		{2, 2, []uint8{1, 2, 3, 4}},
	}
	for _, tc := range cases {
		dst := image.NewRGBA(image.Rect(0, 0, tc.w, tc.h))
		scaleInto(dst, dst.Rect, src)
		for i, want := range tc.want {
			if got := dst.RGBAAt(i%tc.w, i/tc.w).R; got != want {
				t.Errorf("%dx%d: pixel %d = %d, want %d", tc.w, tc.h, i, got, want)
			}
		}
	}
}

// BenchmarkCompose1280x800 measures one viewer redraw: laying out and scaling four typical
// panels (a 96-filter mosaic, conv1's 96×55×55 activations, curves, the probe) into 1280×800.
func BenchmarkCompose1280x800(b *testing.B) {
	panels := benchPanels()
	dst := image.NewRGBA(image.Rect(0, 0, 1280, 800))
	b.ResetTimer()
	for b.Loop() {
		ComposeInto(dst, panels...)
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/frame")
}

// BenchmarkRenderPanels measures rendering the four panels from tensors, done once per update
// (every N training steps), not per frame.
func BenchmarkRenderPanels(b *testing.B) {
	w := gaborFilters(96, 3, 11, 11)
	for b.Loop() {
		benchPanelsFrom(w)
	}
}

// benchPanels renders the panels of the paper network's viewer.
func benchPanels() []image.Image { return benchPanelsFrom(gaborFilters(96, 3, 11, 11)) }

// benchPanelsFrom renders the viewer's panels from conv1 weights w [96, 3, 11, 11].
func benchPanelsFrom(w []float32) []image.Image {
	return []image.Image{
		FilterMosaic(w, 96, 3, 11, 11, 2, MosaicOptions{Title: "conv1"}),
		ActivationGrid(make([]float32, 96*55*55), 96, 55, 55, ShapeCaption("conv1", 96, 55, 55), GridOptions{}),
		Curves(trainingCurves(5000, -1), CurveOptions{}),
		ProbePanel(shirtImage(), []Prediction{{"T-shirt/top", 0.9}, {"Shirt", 0.1}}, ProbeOptions{}),
	}
}
