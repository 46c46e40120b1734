package main

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alexnet-vk/alexnet/train"
)

// The ten crops are, in order, the top-left, top-right, bottom-left, bottom-right and centre
// windows, then the same five mirrored left-right; one crop is the centre.
func TestRenderCrops(t *testing.T) {
	const side, crop = 8, 5
	sq := make([]byte, side*side*3)
	for y := 0; y < side; y++ {
		for x := 0; x < side; x++ {
			copy(sq[(y*side+x)*3:], []byte{uint8(x), uint8(y), 7})
		}
	}
	origins := [][2]int{{0, 0}, {0, 3}, {3, 0}, {3, 3}, {1, 1}} // (y, x); d = side − crop = 3
	for _, ten := range []bool{false, true} {
		p := &prep{side: side, crop: crop, channels: 3, tenCrop: ten, scale: 1, invStd: [3]float32{1, 1, 1}}
		x := make([]float32, p.floats())
		for i := range x {
			x[i] = float32(math.NaN())
		}
		p.render(x, sq)
		for k := 0; k < p.crops(); k++ {
			o, flip := origins[k%5], k >= 5
			if !ten {
				o = origins[4]
			}
			for yy := 0; yy < crop; yy++ {
				for xx := 0; xx < crop; xx++ {
					wx := o[1] + xx
					if flip {
						wx = o[1] + crop - 1 - xx
					}
					want := [3]float32{float32(wx), float32(o[0] + yy), 7}
					for c := 0; c < 3; c++ {
						if got := x[((k*3+c)*crop+yy)*crop+xx]; got != want[c] {
							t.Fatalf("ten-crop %v: crop %d channel %d (%d, %d) = %v, want %v", ten, k, c, yy, xx, got, want[c])
						}
					}
				}
			}
		}
	}
}

// writePNG writes a w×h image of one colour.
func writePNG(t *testing.T, path string, w, h int, c color.RGBA) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Each architecture's normalisation, checked on a uniform image (so resizing cannot blur it):
// torchvision's (v/255 − mean)/std, the paper's v − 255·mean, the luma for one-channel nets, and a
// checkpoint's dataset statistics (images of 50 and 150 give mean 100 and std 50).
func TestNormalisation(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // statistics computed here are cached there
	dir := t.TempDir()
	img := filepath.Join(dir, "uniform.png")
	writePNG(t, img, 300, 200, color.RGBA{200, 100, 50, 255})
	for _, v := range []uint8{50, 150} {
		for i := 0; i < 2; i++ {
			writePNG(t, filepath.Join(dir, "data", "class"+string(rune('a'+i)), string(rune('0'+v/50))+".png"), 16, 16, color.RGBA{v, v, v, 255})
		}
	}
	rgb := [3]float64{200, 100, 50}
	luma := 0.299*200 + 0.587*100 + 0.114*50
	lumaMean := 0.299*0.485 + 0.587*0.456 + 0.114*0.406
	lumaStd := 0.299*0.229 + 0.587*0.224 + 0.114*0.225
	for _, tc := range []struct {
		name     string
		arch     train.Arch
		st       *train.State
		crop     int
		want     func(c int) float64
		wantDesc string
	}{
		{"alexnet-tv", train.TorchVision(1000, 3, 0), nil, 224, func(c int) float64 {
			return (rgb[c]/255 - []float64{0.485, 0.456, 0.406}[c]) / []float64{0.229, 0.224, 0.225}[c]
		}, "ImageNet mean/std"},
		{"alexnet", train.Paper(1000, 3, 0), nil, 227, func(c int) float64 {
			return rgb[c] - 255*[]float64{0.485, 0.456, 0.406}[c]
		}, "ImageNet's per-channel mean ×255"},
		{"alexnet-small grey", train.Small(10, 1, 28), nil, 28, func(int) float64 {
			return (luma - 255*lumaMean) / (255 * lumaStd)
		}, "ImageNet's mean/std"},
		{"alexnet-small with its data", train.Small(10, 3, 20), &train.State{Data: filepath.Join(dir, "data")}, 20, func(c int) float64 {
			return (rgb[c] - 100) / 50
		}, "per-channel mean/std of"},
		// Statistics recorded in the checkpoint: used without the dataset (which is gone here).
		{"alexnet-small with recorded statistics", train.Small(10, 3, 20), &train.State{Data: filepath.Join(dir, "gone"),
			Norm: &train.InputNorm{Mode: "channel", ChannelMean: []float64{10, 20, 30}, ChannelVar: []float64{4, 16, 25}}}, 20, func(c int) float64 {
			return (rgb[c] - []float64{10, 20, 30}[c]) / []float64{2, 4, 5}[c]
		}, "recorded in the checkpoint"},
		{"alexnet with recorded statistics", train.Paper(1000, 3, 0), &train.State{Data: filepath.Join(dir, "gone"),
			Norm: &train.InputNorm{Mode: "mean-image", ChannelMean: []float64{10, 20, 30}, ChannelVar: []float64{1, 1, 1}}}, 227, func(c int) float64 {
			return rgb[c] - []float64{10, 20, 30}[c]
		}, "recorded in the checkpoint"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var warn strings.Builder
			p := prepFor(tc.arch, tc.st, &warn)
			if warn.Len() > 0 || !strings.Contains(p.desc, tc.wantDesc) || p.crop != tc.crop {
				t.Errorf("crop %d, %q, warnings %q; want crop %d and %q", p.crop, p.desc, warn.String(), tc.crop, tc.wantDesc)
			}
			x := make([]float32, p.floats())
			if err := p.load(img, x); err != nil {
				t.Fatal(err)
			}
			per := p.crop * p.crop
			for i, v := range x {
				if want := tc.want(i / per); math.Abs(float64(v)-want) > 1e-4*max(1, math.Abs(want)) {
					t.Fatalf("input %d (channel %d) = %v, want %v", i, i/per, v, want)
				}
			}
		})
	}
	// A checkpoint whose dataset is gone: a warning naming it, and ImageNet's statistics.
	var warn strings.Builder
	p := prepFor(train.Small(10, 3, 28), &train.State{Data: filepath.Join(dir, "gone")}, &warn)
	if !strings.Contains(warn.String(), filepath.Join(dir, "gone")) || !strings.Contains(p.desc, "ImageNet") {
		t.Errorf("missing dataset: warning %q, %q; want a warning naming it and ImageNet's statistics", warn.String(), p.desc)
	}
}

// Files that are not images fail with a reason, never a panic.
func TestDecodeErrors(t *testing.T) {
	var b bytes.Buffer
	png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 40, 40)))
	p := prepFor(train.Small(10, 3, 28), nil, io.Discard)
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty.jpg", nil, "empty file"},
		{"text.png", []byte("hello"), "unknown format"},
		{"truncated.png", b.Bytes()[:b.Len()-30], "png: invalid format: not enough pixel data"},
		{"huge.png", hugeHeader(t), "header declares"},
	} {
		path := filepath.Join(dir, tc.name)
		if err := os.WriteFile(path, tc.data, 0o644); err != nil {
			t.Fatal(err)
		}
		err := p.load(path, make([]float32, p.floats()))
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: error %v, want one naming the file and saying %q", tc.name, err, tc.want)
		}
	}
}

// hugeHeader is a PNG whose header declares 100000×100000 pixels.
func hugeHeader(t *testing.T) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	h := b.Bytes()
	// After the 8-byte signature: IHDR's length (4), type (4) and 13 data bytes, width and height
	// first (big-endian), then the CRC-32 of type and data.
	copy(h[16:24], []byte{0, 1, 0x86, 0xa0, 0, 1, 0x86, 0xa0})
	binary.BigEndian.PutUint32(h[29:33], crc32.ChecksumIEEE(h[12:29]))
	return h
}
