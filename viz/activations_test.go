package viz

import (
	"image"
	"math"
	"testing"
)

// activationPatterns returns [c, h, w] synthetic feature maps: blobs, stripes and ramps of very
// different magnitudes (so per-tile normalisation shows), one dead (all-zero) channel and, when
// withNaN, one NaN.
func activationPatterns(c, h, w int, withNaN bool) []float32 {
	a := make([]float32, c*h*w)
	for ch := 0; ch < c; ch++ {
		if ch == 1 {
			continue // a channel ReLU silenced
		}
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				u, v := float64(x)/float64(w), float64(y)/float64(h)
				var val float64
				switch ch % 3 {
				case 0:
					val = math.Exp(-((u-0.5)*(u-0.5) + (v-0.4)*(v-0.4)) * 12)
				case 1:
					val = math.Max(0, math.Sin(float64(ch)*u*4+v*3))
				default:
					val = u + v
				}
				a[(ch*h+y)*w+x] = quant(val * float64(ch+1) * 10)
			}
		}
	}
	if withNaN {
		a[(2*h+h/2)*w+w/2] = float32(math.NaN())
	}
	return a
}

func TestActivationGridGolden(t *testing.T) {
	cases := []struct {
		name    string
		c, h, w int
		nan     bool
		opt     GridOptions
	}{
		{"activations_12x9x9", 12, 9, 9, false, GridOptions{Scale: 3}},
		{"activations_nan_5x6x8", 5, 6, 8, true, GridOptions{Scale: 2, Cols: 5}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := activationPatterns(tc.c, tc.h, tc.w, tc.nan)
			checkGolden(t, tc.name, ActivationGrid(a, tc.c, tc.h, tc.w, ShapeCaption("conv2", tc.c, tc.h, tc.w), tc.opt))
		})
	}
}

// TestActivationGridPerTileNormalisation gives every channel the same ramp times a different
// magnitude: every tile must still span the whole colour map, from its left to its right column.
func TestActivationGridPerTileNormalisation(t *testing.T) {
	cases := []struct{ c, h, w, scale int }{{1, 3, 4, 1}, {7, 5, 6, 2}, {16, 2, 3, 3}}
	for _, tc := range cases {
		a := make([]float32, tc.c*tc.h*tc.w)
		for i := range a {
			ch, x := i/(tc.h*tc.w), i%tc.w
			a[i] = float32(x) * float32(math.Pow(10, float64(ch%5)))
		}
		img := ActivationGrid(a, tc.c, tc.h, tc.w, "", GridOptions{Scale: tc.scale})
		g := newTileGrid(tc.c, 0, tc.w*tc.scale, tc.h*tc.scale, 1)
		if img.Rect.Size() != g.size() {
			t.Fatalf("%+v: image %v, want %v with no caption", tc, img.Rect.Size(), g.size())
		}
		for i := 0; i < tc.c; i++ {
			r := g.cell(image.Point{}, i)
			left := img.RGBAAt(r.Min.X, r.Max.Y-1)
			right := img.RGBAAt(r.Max.X-1, r.Min.Y)
			if left != viridisLUT[0] || right != viridisLUT[255] {
				t.Errorf("%+v: tile %d spans %v..%v, want the map's ends %v..%v", tc, i, left, right, viridisLUT[0], viridisLUT[255])
			}
		}
	}
}

func TestActivationGridDeadAndNaN(t *testing.T) {
	a := activationPatterns(5, 6, 8, true)
	img := ActivationGrid(a, 5, 6, 8, "", GridOptions{Scale: 1, Cols: 5})
	g := newTileGrid(5, 5, 8, 6, 1)
	dead := g.cell(image.Point{}, 1)
	if n := countColor(img, dead, c4(viridisLUT[0])); n != dead.Dx()*dead.Dy() {
		t.Errorf("dead channel: %d of %d pixels at the map's low end, want all", n, dead.Dx()*dead.Dy())
	}
	withNaN := g.cell(image.Point{}, 2)
	if got := img.RGBAAt(withNaN.Min.X+4, withNaN.Min.Y+3); got != nanColor {
		t.Errorf("NaN pixel drawn %v, want magenta %v", got, nanColor)
	}
	if n := countColor(img, withNaN, c4(nanColor)); n != 1 {
		t.Errorf("%d magenta pixels in the NaN tile, want exactly 1", n)
	}
	if n := countColor(img, img.Rect, c4(nanColor)); n <= 1 {
		t.Errorf("NaN tile has no magenta frame (%d magenta pixels in all)", n)
	}
}

func TestActivationGridCaption(t *testing.T) {
	cases := []struct {
		caption string
		wantH   int
	}{{"", 13}, {ShapeCaption("conv5", 4, 5, 5), 13 + titleBand}}
	for _, tc := range cases {
		img := ActivationGrid(make([]float32, 4*5*5), 4, 5, 5, tc.caption, GridOptions{Scale: 1})
		if img.Rect.Dy() != tc.wantH {
			t.Errorf("caption %q: height %d, want %d", tc.caption, img.Rect.Dy(), tc.wantH)
		}
		text := countColor(img, image.Rect(0, 0, img.Rect.Dx(), titleBand), c4(textColor))
		if (tc.caption != "") != (text > 0) {
			t.Errorf("caption %q: %d text pixels in the caption strip", tc.caption, text)
		}
		if tc.caption != "" && img.Rect.Dx() < textWidth(tc.caption) {
			t.Errorf("caption %q cut: image %d wide, caption %d", tc.caption, img.Rect.Dx(), textWidth(tc.caption))
		}
	}
}

func TestActivationGridAlexNetShapes(t *testing.T) {
	cases := []struct{ c, h, w int }{{96, 55, 55}, {256, 27, 27}, {384, 13, 13}, {256, 6, 6}, {1, 1, 1}}
	for _, tc := range cases {
		img := ActivationGrid(make([]float32, tc.c*tc.h*tc.w), tc.c, tc.h, tc.w, "x", GridOptions{})
		if w := img.Rect.Dx(); w < 8 || w > 2*gridTarget {
			t.Errorf("%+v: width %d, want a sensible size", tc, w)
		}
	}
}
