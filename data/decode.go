package data

import (
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg" // registers JPEG with image.Decode
	_ "image/png"  // registers PNG with image.Decode

	"golang.org/x/image/draw"
)

// maxDecodePixels refuses images whose header declares more pixels than this (a decompression bomb
// or a corrupt header), before any pixel buffer is allocated. ImageNet's largest is ~ 17 Mpx.
const maxDecodePixels = 100 << 20

// decodeSquare decodes a JPEG or PNG and writes its centre square, rescaled to size×size, into dst
// (size·size·3 bytes, HWC RGB); scratch, if the right size, is reused for the RGBA intermediate.
//
// Rescaling the shorter side to size and then cropping the central size×size (the paper's §2) is the
// same as scaling the central min(w,h) square, up to the sub-pixel rounding of the crop offset; doing
// it in that order touches only the pixels that are kept. The filter is Catmull–Rom, whose support
// widens with the scale factor so downscaling is anti-aliased (as PIL's and torchvision's resize are).
func decodeSquare(name string, b []byte, size int, dst []byte, scratch *image.RGBA) (*image.RGBA, error) {
	if len(b) == 0 {
		return scratch, fmt.Errorf("%s: empty file: %w", name, ErrBadImage)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return scratch, fmt.Errorf("%s: %v: %w", name, err, ErrBadImage)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > maxDecodePixels {
		return scratch, fmt.Errorf("%s: %s header declares %dx%d pixels: %w", name, format, cfg.Width, cfg.Height, ErrBadImage)
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return scratch, fmt.Errorf("%s: %s: %v: %w", name, format, err, ErrBadImage)
	}
	if scratch == nil || scratch.Rect.Dx() != size || scratch.Rect.Dy() != size {
		scratch = image.NewRGBA(image.Rect(0, 0, size, size))
	}
	sb := img.Bounds()
	s := min(sb.Dx(), sb.Dy())
	x0, y0 := sb.Min.X+(sb.Dx()-s)/2, sb.Min.Y+(sb.Dy()-s)/2
	draw.CatmullRom.Scale(scratch, scratch.Rect, img, image.Rect(x0, y0, x0+s, y0+s), draw.Src, nil)
	rgbaToRGB(dst, scratch.Pix)
	return scratch, nil
}

// rgbaToRGB drops the alpha byte of each pixel: dst[3p+k] = src[4p+k] for k < 3.
func rgbaToRGB(dst, src []byte) {
	n := len(src) / 4
	_ = dst[3*n-1]
	for p := 0; p < n; p++ {
		dst[3*p], dst[3*p+1], dst[3*p+2] = src[4*p], src[4*p+1], src[4*p+2]
	}
}
