package data

import (
	"math"
	"slices"
	"testing"
)

func TestLoaderCrops(t *testing.T) {
	const h, w = 9, 10
	d := openIDXTest(t, 4, h, w)
	at := func(n, y, x int) float32 { // NormNone value of native pixel (y, x) of sample n, 0 outside
		if y < 0 || y >= h || x < 0 || x >= w {
			return 0
		}
		return float32(pixelOf(n, y, x, 0)) / 255
	}
	// Eval: the centre crop; ten crops in the documented order; padding shows as zeros.
	for _, c := range []struct{ crop, pad int }{{5, 0}, {9, 0}, {11, 1}} {
		cfg := LoaderConfig{BatchSize: 4, Crop: c.crop, Pad: c.pad, TenCrop: true, Norm: NormNone, Epochs: 1}
		b := collect(t, d.Train, cfg, 1)[0]
		ph, pw := h+2*c.pad, w+2*c.pad
		pos := [][2]int{{0, 0}, {0, pw - c.crop}, {ph - c.crop, 0}, {ph - c.crop, pw - c.crop}, {(ph - c.crop) / 2, (pw - c.crop) / 2}}
		for n := 0; n < 4; n++ {
			for k := 0; k < 10; k++ {
				oy, ox := pos[k%5][0]-c.pad, pos[k%5][1]-c.pad
				for y := 0; y < c.crop; y++ {
					for x := 0; x < c.crop; x++ {
						sx := ox + x
						if k >= 5 {
							sx = ox + c.crop - 1 - x
						}
						got := b.X[((n*10+k)*c.crop+y)*c.crop+x]
						if want := at(b.Index[n], oy+y, sx); !near(got, want) {
							t.Fatalf("crop %d pad %d: image %d crop %d (y%d x%d) = %g, want %g", c.crop, c.pad, n, k, y, x, got, want)
						}
					}
				}
			}
		}
	}
	// Training: every crop is some window of the padded image, mirrored or not, and both occur.
	cfg := LoaderConfig{BatchSize: 4, Crop: 6, Pad: 2, Train: true, Flip: true, Norm: NormNone, Epochs: 20, Seed: 9}
	flips := map[bool]int{}
	offsets := map[[2]int]bool{}
	for _, b := range collect(t, d.Train, cfg, 1000) {
		for n := 0; n < b.N; n++ {
			found := false
			for oy := -2; oy <= h+2-6 && !found; oy++ { // padded offsets 0..h+4-6, less the pad
				for ox := -2; ox <= w+2-6 && !found; ox++ {
					for _, flip := range []bool{false, true} {
						ok := true
						for y := 0; y < 6 && ok; y++ {
							for x := 0; x < 6 && ok; x++ {
								sx := ox + x
								if flip {
									sx = ox + 5 - x
								}
								ok = near(b.X[(n*6+y)*6+x], at(b.Index[n], oy+y, sx))
							}
						}
						if ok {
							found = true
							flips[flip]++
							offsets[[2]int{oy, ox}] = true
							break
						}
					}
				}
			}
			if !found {
				t.Fatalf("training crop of sample %d is no window of the padded image", b.Index[n])
			}
		}
	}
	if flips[false] < 10 || flips[true] < 10 || len(offsets) < 10 {
		t.Fatalf("flips %v and %d distinct offsets over 80 crops: augmentation is not random", flips, len(offsets))
	}
}

func TestLoaderChannels(t *testing.T) {
	gray := openIDXTest(t, 3, 5, 5)
	b := collect(t, gray.Train, LoaderConfig{BatchSize: 3, Channels: 3, Norm: NormNone, Epochs: 1}, 1)[0]
	for i := 0; i < 3*25; i++ {
		n, p := i/25, i%25
		g := b.X[(n*3)*25+p]
		if !near(g, float32(pixelOf(b.Index[n], p/5, p%5, 0))/255) || b.X[(n*3+1)*25+p] != g || b.X[(n*3+2)*25+p] != g {
			t.Fatalf("grey→RGB: image %d pixel %d channels differ or are wrong", n, p)
		}
	}
	dir := t.TempDir()
	writeFile(t, dir, "data_batch_1.bin", cifarBytes(2, 0))
	rgb, err := Open(dir, OpenOptions{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	b = collect(t, rgb.Train, LoaderConfig{BatchSize: 2, Channels: 1, Norm: NormNone, Epochs: 1}, 1)[0]
	for _, yx := range [][2]int{{0, 0}, {3, 17}, {31, 31}} {
		y, x := yx[0], yx[1]
		luma := 0.0
		for k := 0; k < 3; k++ {
			luma += lumaWeights[k] * float64(pixelOf(1, y, x, k))
		}
		if got := float64(b.X[(32+y)*32+x]); math.Abs(got-luma/255) > 1e-5 {
			t.Fatalf("RGB→grey at (%d,%d): %g, want %g", y, x, got, luma/255)
		}
	}
}

func TestLoaderNormalisation(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "data_batch_1.bin", cifarBytes(40, 0))
	d, err := Open(dir, OpenOptions{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	const plane = 32 * 32
	moments := func(norm Norm, channels int) (mean, std []float64, bs []Batch) {
		bs = collect(t, d.Train, LoaderConfig{BatchSize: 40, Channels: channels, Norm: norm, Epochs: 1}, 1)
		mean, std = make([]float64, channels), make([]float64, channels)
		x := bs[0].X
		for i, v := range x {
			mean[(i/plane)%channels] += float64(v) / float64(40*plane)
		}
		for i, v := range x {
			c := (i / plane) % channels
			std[c] += (float64(v) - mean[c]) * (float64(v) - mean[c]) / float64(40*plane)
		}
		for c := range std {
			std[c] = math.Sqrt(std[c])
		}
		return mean, std, bs
	}
	for _, channels := range []int{3, 1} {
		mean, std, _ := moments(NormChannel, channels)
		for c := range mean {
			if math.Abs(mean[c]) > 1e-4 || math.Abs(std[c]-1) > 1e-4 {
				t.Fatalf("NormChannel %d channels: channel %d has mean %g std %g, want 0 and 1", channels, c, mean[c], std[c])
			}
		}
	}
	// The per-pixel mean image: every pixel position averages to 0 over the training set.
	_, _, bs := moments(NormMeanImage, 3)
	for p := 0; p < 3*plane; p++ {
		s := 0.0
		for n := 0; n < 40; n++ {
			s += float64(bs[0].X[n*3*plane+p])
		}
		if math.Abs(s/40) > 1e-3 {
			t.Fatalf("mean-image normalised position %d averages %g, want 0", p, s/40)
		}
	}
	// torchvision's constants.
	_, _, bs = moments(NormImageNet, 3)
	v := float64(pixelOf(bs[0].Index[0], 0, 0, 1))
	if got, want := float64(bs[0].X[plane]), (v/255-ImageNetMean[1])/ImageNetStd[1]; math.Abs(got-want) > 1e-5 {
		t.Fatalf("NormImageNet green (0,0) = %g, want %g", got, want)
	}
}

func TestLoaderColourNoise(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "data_batch_1.bin", cifarBytes(20, 0))
	d, err := Open(dir, OpenOptions{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	st, err := d.Stats()
	if err != nil {
		t.Fatal(err)
	}
	base := LoaderConfig{BatchSize: 20, Train: true, Flip: true, Crop: 28, Norm: NormNone, Seed: 5, Epochs: 40}
	noisy := base
	noisy.ColorNoise = 0.1
	plain, withNoise := collect(t, d.Train, base, 1000), collect(t, d.Train, noisy, 1000)
	const plane = 28 * 28
	var proj [3][]float64 // each image's offset projected on the eigenvectors
	for bi := range plain {
		for n := 0; n < 20; n++ {
			var off [3]float64
			for c := 0; c < 3; c++ { // same crop and flip; the offset is one constant per channel
				for p := 0; p < plane; p++ {
					i := (n*3+c)*plane + p
					diff := float64(withNoise[bi].X[i]-plain[bi].X[i]) * 255
					if p == 0 {
						off[c] = diff
					} else if math.Abs(diff-off[c]) > 1e-3 {
						t.Fatalf("colour noise is not constant over image %d channel %d: %g vs %g", n, c, diff, off[c])
					}
				}
			}
			for j := 0; j < 3; j++ {
				dot := 0.0
				for k := 0; k < 3; k++ {
					dot += off[k] * st.EigVec[k*3+j]
				}
				proj[j] = append(proj[j], dot)
			}
		}
	}
	// Along eigenvector j the offset is 255·α_j·λ_j, α_j ~ N(0, 0.1): check its spread over 800 draws.
	for j := 0; j < 3; j++ {
		want := 255 * 0.1 * st.EigVal[j]
		s := 0.0
		for _, v := range proj[j] {
			s += v * v
		}
		got := math.Sqrt(s / float64(len(proj[j])))
		if math.Abs(got-want) > 0.15*want {
			t.Fatalf("noise along eigenvector %d has std %g, want 255·0.1·λ = %g", j, got, want)
		}
	}
}

func TestLoaderResize(t *testing.T) {
	d := openIDXTest(t, 2, 7, 7)
	b := collect(t, d.Train, LoaderConfig{BatchSize: 2, Resize: 21, Crop: 21, Norm: NormMeanImage, Epochs: 1}, 1)[0]
	if b.H != 21 || len(b.X) != 2*21*21 {
		t.Fatalf("resized batch is %dx%d, %d values", b.H, b.W, len(b.X))
	}
	// Two images: mean-image normalised values are ± the same difference at every position, up to
	// the rounding of each resized uint8 image (≤ ½ each).
	for p := 0; p < 21*21; p++ {
		if math.Abs(float64(b.X[p]+b.X[21*21+p])) > 1.001 {
			t.Fatalf("position %d: %g and %g are not symmetric about the resized mean", p, b.X[p], b.X[21*21+p])
		}
	}
	src := []byte{10, 20, 30, 40}
	dst := make([]byte, 16)
	resizeBilinearHWC(dst, 4, 4, src, 2, 2, 1)
	if dst[0] != 10 || dst[15] != 40 || dst[1] <= dst[0] || dst[2] <= dst[1] || dst[4] <= dst[0] {
		t.Fatalf("2x2 → 4x4: %v, want a ramp from 10 to 40", dst)
	}
	same := make([]byte, 4)
	resizeBilinearHWC(same, 2, 2, src, 2, 2, 1)
	if !slices.Equal(same, src) {
		t.Fatalf("same-size resize changed the image: %v", same)
	}
}

func TestRenderFastPathMatchesGeneral(t *testing.T) {
	r := newRNG(3, 0)
	for _, c := range []struct {
		cn, crop, pad int
		mean          bool
	}{{1, 5, 0, false}, {3, 6, 2, true}, {3, 7, 0, false}, {1, 11, 3, true}} {
		const h, w = 7, 8
		p := &pipeline{cn: c.cn, co: c.cn, h: h, w: w, crop: c.crop, pad: c.pad, scale: 0.5,
			chMean: [3]float32{1, 2, 3}, chInvStd: [3]float32{0.5, 2, 4}}
		if c.mean {
			p.meanImg = make([]float32, c.cn*h*w)
			for i := range p.meanImg {
				p.meanImg[i] = float32(r.intn(255))
			}
		}
		img := make([]byte, c.cn*h*w)
		for i := range img {
			img[i] = byte(r.intn(256))
		}
		for _, flip := range []bool{false, true} {
			oy, ox := r.intn(h+2*c.pad-c.crop+1), r.intn(w+2*c.pad-c.crop+1)
			noise := [3]float32{1.5, -2, 0.25}
			fast, slow := make([]float32, c.cn*c.crop*c.crop), make([]float32, c.cn*c.crop*c.crop)
			for i := range fast {
				fast[i], slow[i] = float32(math.NaN()), float32(math.NaN())
			}
			p.renderSame(fast, img, oy, ox, flip, noise)
			p.renderGeneral(slow, img, oy, ox, flip, noise)
			for i := range fast {
				if math.Abs(float64(fast[i]-slow[i])) > 1e-4*(1+math.Abs(float64(slow[i]))) || math.IsNaN(float64(fast[i])) {
					t.Fatalf("%+v flip %v: element %d fast %g general %g", c, flip, i, fast[i], slow[i])
				}
			}
		}
	}
}
