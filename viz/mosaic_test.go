package viz

import (
	"image"
	"math"
	"strings"
	"testing"
)

func TestFilterMosaicGolden(t *testing.T) {
	nan := gaborFilters(4, 3, 5, 5)
	nan[7] = float32(math.NaN())     // one pixel of filter 0
	for i := 2 * 75; i < 3*75; i++ { // all of filter 2
		nan[i] = float32(math.Inf(1))
	}
	cases := []struct {
		name          string
		w             []float32
		k, c, r, s, g int
		opt           MosaicOptions
	}{
		{"mosaic_gabor_rgb_groups2", gaborFilters(16, 3, 7, 7), 16, 3, 7, 7, 2, MosaicOptions{Scale: 3, Title: "conv1 16x3x7x7"}},
		{"mosaic_grey_k7", gaborFilters(7, 1, 5, 5), 7, 1, 5, 5, 1, MosaicOptions{Scale: 4}},
		{"mosaic_mean_c4", gaborFilters(4, 4, 5, 5), 4, 4, 5, 5, 1, MosaicOptions{Scale: 3, Border: 2}},
		{"mosaic_nan", nan, 4, 3, 5, 5, 1, MosaicOptions{Scale: 3}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkGolden(t, tc.name, FilterMosaic(tc.w, tc.k, tc.c, tc.r, tc.s, tc.g, tc.opt))
		})
	}
}

// TestFilterMosaicBrightCorner puts each filter's largest value at (0, 0), all others in
// [0, 0.5], and checks that the colour of the scale's top end (white for RGB filters, the
// diverging map's red otherwise) fills exactly the tile's top-left scale×scale corner.
func TestFilterMosaicBrightCorner(t *testing.T) {
	cases := []struct{ k, c, r, s, groups int }{
		{1, 3, 11, 11, 1}, {7, 1, 5, 5, 1}, {7, 3, 11, 11, 2}, {32, 3, 5, 5, 2},
		{96, 3, 11, 11, 2}, {64, 3, 11, 11, 1}, {5, 4, 3, 7, 1}, {9, 1, 2, 2, 3},
	}
	for _, tc := range cases {
		rng := lcg(tc.k)
		per := tc.c * tc.r * tc.s
		w := make([]float32, tc.k*per)
		for i := range w {
			if i%per%(tc.r*tc.s) == 0 {
				w[i] = 1 // pixel (0, 0) of every channel
			} else {
				w[i] = rng.next() * 0.5
			}
		}
		top := c4(Diverging(1))
		if tc.c == 3 {
			top = [4]uint8{255, 255, 255, 255}
		}
		img := FilterMosaic(w, tc.k, tc.c, tc.r, tc.s, tc.groups, MosaicOptions{})
		l := layoutMosaic(tc.k, tc.r, tc.s, tc.groups, MosaicOptions{})
		if l.scale < 1 || l.scale > 16 || (l.scale > 1 && img.Rect.Dx() > mosaicTarget) {
			t.Errorf("%+v: scale %d gives width %d, want 1 ≤ scale ≤ 16 and width ≤ %d", tc, l.scale, img.Rect.Dx(), mosaicTarget)
		}
		for j := 0; j < tc.k; j++ {
			tile := l.tileRect(j)
			if !tile.In(img.Rect) || tile.Dx() != tc.s*l.scale || tile.Dy() != tc.r*l.scale {
				t.Fatalf("%+v: tile %d at %v, want a %dx%d tile inside %v", tc, j, tile, tc.s*l.scale, tc.r*l.scale, img.Rect)
			}
			corner := image.Rectangle{Min: tile.Min, Max: tile.Min.Add(image.Pt(l.scale, l.scale))}
			if in, all := countColor(img, corner, top), countColor(img, tile, top); in != l.scale*l.scale || all != in {
				t.Errorf("%+v: tile %d has %d pixels of the top colour %v, %d of them in its corner; want exactly the %d corner pixels",
					tc, j, all, top, in, l.scale*l.scale)
			}
		}
	}
}

// TestFilterMosaicGroupBlocks counts the horizontal bands of drawn rows: one per group block.
func TestFilterMosaicGroupBlocks(t *testing.T) {
	cases := []struct{ k, groups, want int }{
		{96, 1, 1}, {96, 2, 2}, {7, 2, 2}, {2, 2, 2}, {1, 2, 1}, {12, 3, 3}, {4, 0, 1},
	}
	for _, tc := range cases {
		img := FilterMosaic(gaborFilters(tc.k, 3, 5, 5), tc.k, 3, 5, 5, tc.groups, MosaicOptions{Scale: 2})
		if got := countBands(img); got != tc.want {
			t.Errorf("K=%d groups=%d: %d blocks drawn, want %d", tc.k, tc.groups, got, tc.want)
		}
	}
}

// countBands returns the number of maximal runs of rows holding a pixel other than the background.
func countBands(img *image.RGBA) int {
	bands, in := 0, false
	for y := img.Rect.Min.Y; y < img.Rect.Max.Y; y++ {
		drawn := countColor(img, image.Rect(img.Rect.Min.X, y, img.Rect.Max.X, y+1), c4(bgColor)) < img.Rect.Dx()
		if drawn && !in {
			bands++
		}
		in = drawn
	}
	return bands
}

// TestFilterMosaicNonFinite checks NaN and ±Inf are painted magenta, not black, without panics.
func TestFilterMosaicNonFinite(t *testing.T) {
	nan := float32(math.NaN())
	inf := float32(math.Inf(-1))
	cases := []struct {
		name    string
		c       int
		set     func(w []float32)
		marked  []image.Point // filter pixels that must be magenta
		clean   image.Point   // a filter pixel that must not be
		allMark bool
	}{
		{"grey NaN", 1, func(w []float32) { w[2*4+1] = nan }, []image.Point{{1, 2}}, image.Pt(0, 0), false},
		{"rgb -Inf in green", 3, func(w []float32) { w[16+3] = inf }, []image.Point{{3, 0}}, image.Pt(2, 2), false},
		{"mean of 2 with NaN", 2, func(w []float32) { w[5] = nan }, []image.Point{{1, 1}}, image.Pt(3, 3), false},
		{"all NaN", 1, func(w []float32) {
			for i := range w {
				w[i] = nan
			}
		}, nil, image.Point{}, true},
	}
	for _, tc := range cases {
		w := gaborFilters(1, tc.c, 4, 4)
		tc.set(w)
		img := FilterMosaic(w, 1, tc.c, 4, 4, 1, MosaicOptions{Scale: 2})
		tile := layoutMosaic(1, 4, 4, 1, MosaicOptions{Scale: 2}).tileRect(0)
		at := func(p image.Point) [4]uint8 { return c4(img.RGBAAt(tile.Min.X+2*p.X, tile.Min.Y+2*p.Y)) }
		for _, p := range tc.marked {
			if at(p) != c4(nanColor) {
				t.Errorf("%s: pixel %v is %v, want magenta", tc.name, p, at(p))
			}
		}
		if tc.allMark {
			if n := countColor(img, tile, c4(nanColor)); n != tile.Dx()*tile.Dy() {
				t.Errorf("%s: %d of %d tile pixels magenta, want all", tc.name, n, tile.Dx()*tile.Dy())
			}
		} else if at(tc.clean) == c4(nanColor) {
			t.Errorf("%s: finite pixel %v drawn magenta", tc.name, tc.clean)
		}
	}
}

func TestTensorImageNormalisation(t *testing.T) {
	cases := []struct {
		name string
		x    []float32
		c    int
		want [][4]uint8 // pixels in row-major order of a 1×2 image
	}{
		{"constant is mid grey", []float32{3, 3}, 1, [][4]uint8{{128, 128, 128, 255}, {128, 128, 128, 255}}},
		{"grey min-max", []float32{-2, 6}, 1, [][4]uint8{{0, 0, 0, 255}, {255, 255, 255, 255}}},
		{"rgb shares one range", []float32{0, 4, 0, 2, 0, 0}, 3, [][4]uint8{{0, 0, 0, 255}, {255, 128, 0, 255}}},
		{"mean of 2 channels", []float32{0, 2, 0, 6}, 2, [][4]uint8{{0, 0, 0, 255}, {255, 255, 255, 255}}},
		{"huge range no overflow", []float32{-3e38, 3e38}, 1, [][4]uint8{{0, 0, 0, 255}, {255, 255, 255, 255}}},
	}
	for _, tc := range cases {
		img := TensorImage(tc.x, tc.c, 1, 2)
		for i, want := range tc.want {
			if got := c4(img.RGBAAt(i, 0)); got != want {
				t.Errorf("%s: pixel %d = %v, want %v", tc.name, i, got, want)
			}
		}
	}
}

func TestShapeMismatchPanicsWithPrefix(t *testing.T) {
	cases := []struct {
		name string
		f    func()
	}{
		{"FilterMosaic", func() { FilterMosaic(make([]float32, 10), 2, 3, 2, 2, 1, MosaicOptions{}) }},
		{"FilterMosaic zero K", func() { FilterMosaic(nil, 0, 3, 2, 2, 1, MosaicOptions{}) }},
		{"TensorImage", func() { TensorImage(make([]float32, 3), 1, 2, 2) }},
		{"ActivationGrid", func() { ActivationGrid(make([]float32, 5), 2, 2, 2, "", GridOptions{}) }},
	}
	for _, tc := range cases {
		func() {
			defer func() {
				msg, _ := recover().(string)
				if !strings.HasPrefix(msg, "viz: ") {
					t.Errorf("%s: panic %q, want one starting with \"viz: \"", tc.name, msg)
				}
			}()
			tc.f()
		}()
	}
}
