package viz

import (
	"image"
	"image/color"
	"math"
	"testing"
)

// shirtImage returns a 28×28 grey picture shaped like a Fashion-MNIST T-shirt.
func shirtImage() *image.Gray {
	img := image.NewGray(image.Rect(0, 0, 28, 28))
	for y := 4; y < 25; y++ {
		for x := 4; x < 24; x++ {
			body := x >= 9 && x < 19
			sleeve := y < 11 && (x < 9 && x >= 4+(y-4)/2 || x >= 19 && x < 24-(y-4)/2)
			if body || sleeve {
				img.SetGray(x, y, color.Gray{Y: uint8(120 + 4*(y%8) + 3*(x%5))})
			}
		}
	}
	return img
}

func TestProbePanelGolden(t *testing.T) {
	top := []Prediction{{"T-shirt/top", 0.71}, {"Shirt", 0.2}, {"Pullover", 0.05}, {"Dress", 0.025}, {"a label far too long to fit in the space", 0.015}}
	cases := []struct {
		name string
		img  image.Image
		top  []Prediction
		opt  ProbeOptions
	}{
		{"probe_fashion", shirtImage(), top, ProbeOptions{Width: 360, Height: 130, Title: "probe 0 (true: T-shirt/top)", Truth: "T-shirt/top"}},
		{"probe_nan_noimage", nil, []Prediction{{"cat", math.NaN()}, {"dog", 0.5}}, ProbeOptions{Width: 300, Height: 100}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { checkGolden(t, tc.name, ProbePanel(tc.img, tc.top, tc.opt)) })
	}
}

// TestProbePanelBars checks bar lengths are proportional to probabilities, the true class is
// green, only five rows are drawn, and a non-finite probability is magenta.
func TestProbePanelBars(t *testing.T) {
	top := []Prediction{{"a", 0.8}, {"b", 0.4}, {"c", 0}, {"d", 1.5}, {"e", math.Inf(1)}, {"f", 0.9}}
	img := ProbePanel(shirtImage(), top, ProbeOptions{Width: 400, Height: 150, Truth: "b"})
	row := func(i int) image.Rectangle { y := 4 + i*(lineH+8); return image.Rect(0, y, 400, y+lineH) }
	// The picture ends at x = 146 and the one-letter labels (drawn in the truth colour too) span
	// x = 156..163, so a scan line from x = 166 crosses only the bar.
	bar := func(i int, c color.RGBA) int {
		r := row(i)
		return countIn(img, image.Rect(166, r.Min.Y+6, r.Max.X, r.Min.Y+7), c)
	}
	full := bar(3, barColor) // 1.5 is clamped to 1
	cases := []struct {
		i    int
		c    color.RGBA
		want int
	}{{0, barColor, full * 8 / 10}, {1, truthColor, full * 4 / 10}, {2, barColor, 0}, {4, nanColor, full}}
	if full < 50 {
		t.Fatalf("full bar only %d pixels long", full)
	}
	for _, tc := range cases {
		if got := bar(tc.i, tc.c); abs(got-tc.want) > 1 {
			t.Errorf("row %d: bar %d pixels of %v, want %d±1", tc.i, got, tc.c, tc.want)
		}
	}
	if n := countIn(img, row(5), textColor); n != 0 {
		t.Errorf("a sixth row was drawn (%d text pixels)", n)
	}
}

// TestProbePanelPictureScale checks a small probe is upscaled by a whole factor into crisp
// blocks and a large one is shrunk to fit inside the panel.
func TestProbePanelPictureScale(t *testing.T) {
	cases := []struct {
		name     string
		size     int
		opt      ProbeOptions
		wantSide int
	}{
		{"28 in 160 high: x5", 28, ProbeOptions{}, 140},
		{"227 shrunk to fit", 227, ProbeOptions{Width: 300, Height: 120}, 112},
		{"1 pixel", 1, ProbeOptions{Width: 100, Height: 60}, 42},
	}
	for _, tc := range cases {
		src := image.NewRGBA(image.Rect(0, 0, tc.size, tc.size))
		fillRect(src, src.Rect, color.RGBA{200, 10, 10, 255})
		src.SetRGBA(0, 0, color.RGBA{10, 200, 10, 255})
		img := ProbePanel(src, nil, tc.opt)
		red := countIn(img, img.Rect, color.RGBA{200, 10, 10, 255})
		green := countIn(img, img.Rect, color.RGBA{10, 200, 10, 255})
		if red+green != tc.wantSide*tc.wantSide {
			t.Errorf("%s: picture covers %d pixels, want %d²", tc.name, red+green, tc.wantSide)
		}
		if k := tc.wantSide / tc.size; k >= 1 && green != k*k {
			t.Errorf("%s: corner pixel became %d pixels, want a %dx%d block", tc.name, green, k, k)
		}
	}
}
