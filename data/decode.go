package data

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	stddraw "image/draw"
	_ "image/jpeg" // registers JPEG with image.Decode
	_ "image/png"  // registers PNG with image.Decode
	"io"
	"os"
	"runtime"
	"strings"
	"sync"

	"golang.org/x/image/draw"

	"github.com/alexnet-vk/alexnet/internal/regfile"
)

// maxDecodePixels refuses images whose header declares more pixels than this (a decompression bomb
// or a corrupt header), before any pixel buffer is allocated. ImageNet's largest is ~ 17 Mpx. The
// memory a decode needs is bounded separately, by decodeBudget.
const maxDecodePixels = 100 << 20

// keepSquareBytes is the largest centre-square buffer a decodeScratch keeps between decodes; a
// larger one (a big photo) is dropped after use, so idle scratch never holds what the decoding
// budget has given back.
const keepSquareBytes = 16 << 20

// decodeScratch holds the RGBA buffers decodeSquare reuses between calls (one per goroutine).
type decodeScratch struct {
	sq  []byte      // the centre square converted to RGBA, grown as needed
	out *image.RGBA // the rescaled size×size square
	br  *bufio.Reader
}

// scratchPool holds decodeScratch values between DecodeImageFile calls.
var scratchPool sync.Pool

// DecodeImageFile decodes the JPEG or PNG file at path and writes its centre square, rescaled to
// size×size, into dst (size·size·3 bytes, HWC RGB); see decodeSquare. The file must be a regular
// file (a FIFO or a device is refused before it is opened) and is read as it is decoded. Decoding
// waits for its share of the process's decoding budget (decodeBudget). Every failure wraps
// ErrBadImage and names path.
func DecodeImageFile(path string, size int, dst []byte) error {
	f, fi, err := regfile.Open(path, "a JPEG or PNG image")
	if err != nil {
		return fmt.Errorf("%v: %w", err, ErrBadImage)
	}
	defer f.Close()
	if fi.Size() == 0 {
		return fmt.Errorf("%s: empty file: %w", path, ErrBadImage)
	}
	sc, _ := scratchPool.Get().(*decodeScratch)
	if sc == nil {
		sc = &decodeScratch{}
	}
	if sc.br == nil {
		sc.br = bufio.NewReaderSize(f, 64<<10)
	}
	sc.br.Reset(f)
	sc, err = decodeSquareFrom(path, &bufferedFile{sc.br, f}, f, size, dst, sc)
	sc.br.Reset(nil)
	scratchPool.Put(sc)
	return err
}

// bufferedFile reads a file through a bufio.Reader (whose Peek the image decoders use) and can
// rewind it.
type bufferedFile struct {
	*bufio.Reader
	f *os.File
}

// Seek moves the file and drops what the buffer held.
func (b *bufferedFile) Seek(off int64, whence int) (int64, error) {
	n, err := b.f.Seek(off, whence)
	b.Reader.Reset(b.f)
	return n, err
}

// decodeSquare is decodeSquareFrom over an image held in memory (tests, fuzzing, benchmarks).
func decodeSquare(name string, b []byte, size int, dst []byte, sc *decodeScratch) (*decodeScratch, error) {
	if len(b) == 0 {
		if sc == nil {
			sc = &decodeScratch{}
		}
		return sc, fmt.Errorf("%s: empty file: %w", name, ErrBadImage)
	}
	return decodeSquareFrom(name, bytes.NewReader(b), bytes.NewReader(b), size, dst, sc)
}

// decodeSquareFrom decodes a JPEG or PNG read from r (ra reads the same bytes at offsets) and
// writes its centre square, rescaled to size×size, into dst (size·size·3 bytes, HWC RGB); sc (may
// be nil) is reused for the intermediates and returned. Before decoding, the header's size is checked against maxDecodePixels and the
// memory the decode needs (decodeCost) is taken from the decoding budget, or refused.
//
// Rescaling the shorter side to size and then cropping the central size×size (the paper's §2) is the
// same as scaling the central min(w,h) square, up to the sub-pixel rounding of the crop offset; doing
// it in that order touches only the pixels that are kept. The square is first converted to RGBA with
// the standard library's fast YCbCr path, then scaled with x/image/draw's BiLinear kernel, whose
// support widens with the scale factor: an anti-aliased triangle filter, as PIL's bilinear resize
// that torchvision's Resize uses (measured faster here than Catmull–Rom, 6 ms against 11 ms).
func decodeSquareFrom(name string, r io.ReadSeeker, ra io.ReaderAt, size int, dst []byte, sc *decodeScratch) (*decodeScratch, error) {
	if sc == nil {
		sc = &decodeScratch{}
	}
	cfg, format, err := image.DecodeConfig(r)
	if err == io.EOF {
		return sc, fmt.Errorf("%s: empty file: %w", name, ErrBadImage)
	}
	if err != nil {
		return sc, fmt.Errorf("%s: %v: %w", name, err, ErrBadImage)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > maxDecodePixels {
		return sc, fmt.Errorf("%s: %s header declares %dx%d pixels: %w", name, format, cfg.Width, cfg.Height, ErrBadImage)
	}
	cost := decodeCost(ra, cfg, format)
	if err := decodeMem.acquire(cost); err != nil {
		return sc, fmt.Errorf("%s: %s of %dx%d pixels %v: %w", name, format, cfg.Width, cfg.Height, err, ErrBadImage)
	}
	defer func() {
		decodeMem.release(cost)
		if cost >= bigDecode {
			runtime.GC() // collect this image before another big one is allocated (see bigDecode)
		}
	}()
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return sc, fmt.Errorf("%s: %v: %w", name, err, ErrBadImage)
	}
	img, _, err := image.Decode(r)
	if err != nil {
		if strings.HasPrefix(err.Error(), format+":") { // the decoders' errors say "png: …"
			return sc, fmt.Errorf("%s: %v: %w", name, err, ErrBadImage)
		}
		return sc, fmt.Errorf("%s: %s: %v: %w", name, format, err, ErrBadImage)
	}
	if sc.out == nil || sc.out.Rect.Dx() != size {
		sc.out = image.NewRGBA(image.Rect(0, 0, size, size))
	}
	sb := img.Bounds()
	s := min(sb.Dx(), sb.Dy())
	x0, y0 := sb.Min.X+(sb.Dx()-s)/2, sb.Min.Y+(sb.Dy()-s)/2
	buf := sc.sq
	if cap(buf) < 4*s*s {
		buf = make([]byte, 4*s*s)
	}
	if len(buf) <= keepSquareBytes {
		sc.sq = buf
	} else {
		sc.sq = nil // a big photo's square is not kept once the budget is given back
	}
	sq := &image.RGBA{Pix: buf[:4*s*s], Stride: 4 * s, Rect: image.Rect(0, 0, s, s)}
	stddraw.Draw(sq, sq.Rect, img, image.Pt(x0, y0), stddraw.Src)
	draw.BiLinear.Scale(sc.out, sc.out.Rect, sq, sq.Rect, draw.Src, nil)
	rgbaToRGB(dst, sc.out.Pix)
	return sc, nil
}

// rgbaToRGB drops the alpha byte of each pixel: dst[3p+k] = src[4p+k] for k < 3.
func rgbaToRGB(dst, src []byte) {
	n := len(src) / 4
	_ = dst[3*n-1]
	for p := 0; p < n; p++ {
		dst[3*p], dst[3*p+1], dst[3*p+2] = src[4*p], src[4*p+1], src[4*p+2]
	}
}
