package data

import (
	"bytes"
	"encoding/json"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// photoLikeJPEG encodes a w×h image of smooth gradients plus noise (so it compresses like a photo,
// not like a flat colour) at quality 90, ImageNet's typical size being about 500×375.
func photoLikeJPEG(b *testing.B, w, h int) []byte {
	r := rand.New(rand.NewPCG(1, 1))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			o := img.PixOffset(x, y)
			img.Pix[o] = uint8(x*255/w) ^ uint8(r.IntN(24))
			img.Pix[o+1] = uint8(y*255/h) ^ uint8(r.IntN(24))
			img.Pix[o+2] = uint8((x+y)*255/(w+h)) ^ uint8(r.IntN(24))
			img.Pix[o+3] = 255
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkJPEGDecodeResize measures one core decoding a 500×375 JPEG and rescaling its centre
// square to 256×256 (the ImageFolder path and cmd/prep's work per image).
func BenchmarkJPEGDecodeResize(b *testing.B) {
	jpg := photoLikeJPEG(b, 500, 375)
	dst := make([]byte, 256*256*3)
	var scratch *decodeScratch
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var err error
		if scratch, err = decodeSquare("bench.jpg", jpg, 256, dst, scratch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "img/s")
}

// benchShard writes a shard of n random 256×256 RGB images and returns its header and open file.
func benchShard(b *testing.B, n int) (*shardHeader, *os.File) {
	dir := b.TempDir()
	sw, err := createShard(filepath.Join(dir, "b.tmp"), 256, 256, 3, []string{"a", "b"})
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(2, 2))
	pix := make([]byte, 256*256*3)
	for i := 0; i < n; i++ {
		for p := range pix {
			pix[p] = uint8(r.Uint32())
		}
		sw.add(int32(i%2), pix)
	}
	if err := sw.finish(filepath.Join(dir, "b.shard")); err != nil {
		b.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, "b.shard"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { f.Close() })
	fi, _ := f.Stat()
	h, err := readShardHeader(f.Name(), f, fi.Size())
	if err != nil {
		b.Fatal(err)
	}
	return h, f
}

// BenchmarkShardReadCropFlip measures one core reading a 256×256 image from a shard (checksum
// included), taking a random 227 crop, mirroring it and subtracting the mean image into float32.
func BenchmarkShardReadCropFlip(b *testing.B) {
	h, f := benchShard(b, 32)
	p := &pipeline{cn: 3, h: 256, w: 256, co: 3, crop: 227, scale: 1, meanImg: make([]float32, 3*256*256)}
	pix := make([]byte, 256*256*3)
	out := make([]float32, 3*227*227)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := readShardImage(f.Name(), f, h, i%32, pix); err != nil {
			b.Fatal(err)
		}
		r := newRNG(1, streamAugment, 0, uint64(i))
		p.render(out, pix, r.intn(30), r.intn(30), r.bool(), [3]float32{})
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "img/s")
}

// BenchmarkIDXBatch measures the whole loader assembling 128-image Fashion-MNIST-sized batches
// (28×28 grey, pad-2 random crop, flip, per-channel normalisation) on all cores.
func BenchmarkIDXBatch(b *testing.B) {
	d, err := Open(makeIDXDir(b, 4096, 1, 28, 28, 10, false), OpenOptions{CacheDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	l, err := NewLoader(d.Train, LoaderConfig{BatchSize: 128, Crop: 28, Pad: 2, Train: true, Flip: true, Norm: NormChannel})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := l.Next(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*128)/b.Elapsed().Seconds(), "img/s")
}

// BenchmarkShardLoader measures the whole loader on all cores over a shard folder: batches of 128
// random 227 crops with flips, PCA colour noise and mean-image subtraction, as the paper trains.
func BenchmarkShardLoader(b *testing.B) {
	dir := b.TempDir()
	h, f := benchShard(b, 256)
	f.Close()
	if err := os.Rename(f.Name(), filepath.Join(dir, shardFileName(0))); err != nil {
		b.Fatal(err)
	}
	m, _ := json.Marshal(shardManifest{Version: 1, Size: 256, ShardSize: 256, Shards: 1, Files: 256, Classes: h.classes})
	writeFile(b, dir, manifestName, m)
	d, err := Open(dir, OpenOptions{CacheDir: b.TempDir(), Warn: &syncBuffer{}})
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	l, err := NewLoader(d.Train, LoaderConfig{BatchSize: 128, Crop: 227, Train: true, Flip: true, ColorNoise: 0.1})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := l.Next(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*128)/b.Elapsed().Seconds(), "img/s")
}

// BenchmarkJPEGFileDecodeResize is BenchmarkJPEGDecodeResize through DecodeImageFile: from a file,
// with the type check, the decoding budget and the header reads for its cost.
func BenchmarkJPEGFileDecodeResize(b *testing.B) {
	path := filepath.Join(b.TempDir(), "bench.jpg")
	if err := os.WriteFile(path, photoLikeJPEG(b, 500, 375), 0o644); err != nil {
		b.Fatal(err)
	}
	dst := make([]byte, 256*256*3)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := DecodeImageFile(path, 256, dst); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "img/s")
}
