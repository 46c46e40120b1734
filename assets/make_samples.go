//go:build ignore

// make_samples draws the synthetic sample images in assets/samples (run once from the repository
// root: go run assets/make_samples.go). Every pixel is a formula, so a rerun gives the same files.
package main

import (
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"path/filepath"
)

func main() {
	dir := filepath.Join("assets", "samples")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fail(err)
	}
	save(filepath.Join(dir, "sunset.jpg"), paint(320, 240, sunset))
	save(filepath.Join(dir, "ball.jpg"), paint(256, 256, ball))
	save(filepath.Join(dir, "target.jpg"), paint(240, 240, target))
	save(filepath.Join(dir, "checkerboard.png"), paint(192, 192, checker))
	save(filepath.Join(dir, "stripes.png"), paint(300, 180, stripes))
	grey := image.NewGray(image.Rect(0, 0, 160, 240)) // portrait, one channel
	for y := 0; y < 240; y++ {
		for x := 0; x < 160; x++ {
			v := 128 + 100*math.Sin(float64(x)/9)*math.Cos(float64(y)/13)
			grey.SetGray(x, y, color.Gray{uint8(v)})
		}
	}
	save(filepath.Join(dir, "waves_grey.png"), grey)
}

// paint fills a w×h image with f(x, y) for x, y in [0, 1).
func paint(w, h int, f func(x, y float64) (r, g, b float64)) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for j := 0; j < h; j++ {
		for i := 0; i < w; i++ {
			r, g, b := f((float64(i)+0.5)/float64(w), (float64(j)+0.5)/float64(h))
			img.SetRGBA(i, j, color.RGBA{u8(r), u8(g), u8(b), 255})
		}
	}
	return img
}

func u8(v float64) uint8 { return uint8(math.Round(255 * math.Max(0, math.Min(1, v)))) }

// sunset: an orange-to-violet sky, a sun on the horizon, a dark sea with light on the waves.
func sunset(x, y float64) (r, g, b float64) {
	if y < 0.62 {
		t := y / 0.62
		r, g, b = 0.35+0.65*t, 0.15+0.45*t, 0.45-0.25*t
		if d := math.Hypot(x-0.5, (y-0.55)*1.2); d < 0.12 {
			r, g, b = 1, 0.85, 0.4
		}
		return
	}
	t := (y - 0.62) / 0.38
	glint := math.Max(0, math.Sin(60*y+8*math.Sin(9*x))) * math.Exp(-math.Pow((x-0.5)/0.12, 2))
	return 0.1 + 0.05*t + 0.8*glint, 0.08 + 0.6*glint, 0.2 - 0.1*t + 0.3*glint
}

// ball: a red sphere lit from the upper left, on green grass under a blue sky.
func ball(x, y float64) (r, g, b float64) {
	dx, dy := (x-0.5)/0.3, (y-0.5)/0.3
	if d2 := dx*dx + dy*dy; d2 < 1 {
		nz := math.Sqrt(1 - d2)
		light := math.Max(0, (-0.5*dx-0.6*dy+0.62*nz)/math.Sqrt(0.25+0.36+0.3844))
		spec := math.Pow(light, 30)
		return 0.15 + 0.8*light + spec, 0.05 + 0.1*light + spec, 0.05 + 0.1*light + spec
	}
	if y > 0.7 {
		return 0.15, 0.45 + 0.2*math.Sin(90*x)*math.Sin(40*y), 0.1
	}
	return 0.45, 0.65, 0.95 - 0.3*y
}

// target: concentric red and white rings with a yellow centre.
func target(x, y float64) (r, g, b float64) {
	d := math.Hypot(x-0.5, y-0.5)
	switch {
	case d < 0.06:
		return 1, 0.85, 0
	case d > 0.46:
		return 0.3, 0.3, 0.32
	case int(d/0.08)%2 == 0:
		return 0.85, 0.05, 0.05
	}
	return 0.97, 0.97, 0.95
}

// checker: an 8×8 black-and-white board.
func checker(x, y float64) (r, g, b float64) {
	if (int(8*x)+int(8*y))%2 == 0 {
		return 0.05, 0.05, 0.05
	}
	return 0.95, 0.95, 0.95
}

// stripes: diagonal bands of blue, yellow and white.
func stripes(x, y float64) (r, g, b float64) {
	switch int(math.Floor((x*300+y*180)/24)) % 3 {
	case 0:
		return 0.1, 0.2, 0.75
	case 1:
		return 0.95, 0.8, 0.1
	}
	return 0.98, 0.98, 0.98
}

func save(path string, img image.Image) {
	f, err := os.Create(path)
	if err != nil {
		fail(err)
	}
	if filepath.Ext(path) == ".png" {
		err = png.Encode(f, img)
	} else {
		err = jpeg.Encode(f, img, &jpeg.Options{Quality: 85})
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		fail(err)
	}
	fi, _ := os.Stat(path)
	fmt.Printf("%s %dx%d, %d bytes\n", path, img.Bounds().Dx(), img.Bounds().Dy(), fi.Size())
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "make_samples:", err)
	os.Exit(1)
}
