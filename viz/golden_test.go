package viz

import (
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden PNGs in testdata/golden instead of comparing with them")

// checkGolden compares got pixel for pixel with testdata/golden/<name>.png, or rewrites that file
// when the test runs with -update.
func checkGolden(t *testing.T, name string, got *image.RGBA) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".png")
	if *update {
		if err := SavePNG(path, got); err != nil {
			t.Fatal(err)
		}
		return
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%s: %v (create the golden images with: go test ./viz -update)", path, err)
	}
	defer f.Close()
	dec, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: not a readable PNG: %v", path, err)
	}
	want := toRGBA(dec)
	if msg := firstDiff(got, want); msg != "" {
		kept := filepath.Join(t.ArtifactDir(), name+".png")
		if err := SavePNG(kept, got); err != nil {
			t.Logf("could not keep the rendered image: %v", err)
		}
		t.Fatalf("%s: %s; rendered image written to %s (run go test with -artifacts to keep it; "+
			"go test ./viz -update if the change is intended)", path, msg, kept)
	}
}

// firstDiff describes the first pixel, in row-major order, where got and want differ, and how
// many differ; it returns "" when they are identical.
func firstDiff(got, want *image.RGBA) string {
	if got.Rect.Size() != want.Rect.Size() {
		return fmt.Sprintf("size %v, want %v", got.Rect.Size(), want.Rect.Size())
	}
	first, n := "", 0
	for y := 0; y < got.Rect.Dy(); y++ {
		for x := 0; x < got.Rect.Dx(); x++ {
			g, w := got.RGBAAt(got.Rect.Min.X+x, got.Rect.Min.Y+y), want.RGBAAt(want.Rect.Min.X+x, want.Rect.Min.Y+y)
			if g != w {
				if n == 0 {
					first = fmt.Sprintf("first differing pixel at (x=%d, y=%d): got %v, want %v", x, y, g, w)
				}
				n++
			}
		}
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%s (%d pixels differ)", first, n)
}

// quant rounds x to a multiple of 1/64 so synthetic inputs built with math.Sin and math.Exp are
// exactly the same float32 on every architecture, whatever the last bit of those functions.
func quant(x float64) float32 { return float32(math.Round(x*64) / 64) }

// gaborFilters returns k synthetic filters [k, c, r, s] shaped like the oriented edge and colour
// blob detectors conv1 learns: a sinusoid at angle θ_j under a Gaussian envelope, with a colour
// tint that varies by filter (c = 3) so the mosaic shows both grey and coloured tiles.
func gaborFilters(k, c, r, s int) []float32 {
	w := make([]float32, k*c*r*s)
	for j := 0; j < k; j++ {
		theta := math.Pi * float64(j) / float64(k)
		freq := 0.6 + 0.4*float64(j%3)
		for ch := 0; ch < c; ch++ {
			tint := 1.0
			if c == 3 && j%4 == 3 {
				tint = []float64{1, -0.5, 0.2}[ch] // a colour-opponent filter
			}
			for y := 0; y < r; y++ {
				for x := 0; x < s; x++ {
					u := float64(x) - float64(s-1)/2
					v := float64(y) - float64(r-1)/2
					rot := u*math.Cos(theta) + v*math.Sin(theta)
					env := math.Exp(-(u*u + v*v) / (2 * float64(r*s) / 8))
					w[((j*c+ch)*r+y)*s+x] = quant(tint * env * math.Cos(freq*rot))
				}
			}
		}
	}
	return w
}

// lcg is a tiny deterministic generator of values in [0, 1) for test inputs.
type lcg uint64

// next advances the generator and returns its value in [0, 1).
func (g *lcg) next() float32 {
	*g = *g*6364136223846793005 + 1442695040888963407
	return float32(uint64(*g)>>40) / float32(1<<24)
}

// countColor returns how many pixels of img inside r equal c.
func countColor(img *image.RGBA, r image.Rectangle, c [4]uint8) int {
	n := 0
	r = r.Intersect(img.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			p := img.RGBAAt(x, y)
			if [4]uint8{p.R, p.G, p.B, p.A} == c {
				n++
			}
		}
	}
	return n
}

// c4 turns a colour into the array countColor compares with.
func c4(c color.RGBA) [4]uint8 { return [4]uint8{c.R, c.G, c.B, c.A} }

// TestFirstDiff checks the golden comparison itself: it must catch a size change and a single
// changed pixel, naming that pixel, and accept identical images.
func TestFirstDiff(t *testing.T) {
	base := Curves(nil, CurveOptions{Width: 40, Height: 30})
	moved := Curves(nil, CurveOptions{Width: 40, Height: 30})
	moved.SetRGBA(17, 9, color.RGBA{1, 2, 3, 255})
	cases := []struct {
		name      string
		got, want *image.RGBA
		contains  string
	}{
		{"same", base, Curves(nil, CurveOptions{Width: 40, Height: 30}), ""},
		{"size", base, Curves(nil, CurveOptions{Width: 41, Height: 30}), "size (40,30), want (41,30)"},
		{"one pixel", moved, base, "(x=17, y=9): got {1 2 3 255}"},
	}
	for _, tc := range cases {
		msg := firstDiff(tc.got, tc.want)
		if tc.contains == "" && msg != "" || tc.contains != "" && !strings.Contains(msg, tc.contains) {
			t.Errorf("%s: firstDiff = %q, want it to contain %q", tc.name, msg, tc.contains)
		}
	}
}
