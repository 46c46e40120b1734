package data

import (
	"image"
	"image/color"
	"io"
)

// decodeCost returns the bytes that decoding an image with header cfg holds at its peak, from what
// the standard library's decoders allocate, plus the RGBA copy of the centre square that
// decodeSquareFrom makes:
//
//	JPEG  one byte per sample of each component's plane (a 4:2:0 YCbCr image has 1.5 samples per
//	      pixel, a 4:4:4 one 3, CMYK 4), and for a progressive JPEG also every block's coefficients
//	      as int32 until the last scan (4 bytes per sample)
//	PNG   bytes per pixel of the decoded image (1 grey or paletted, 2 grey 16-bit, 4 RGB(A) or grey
//	      with alpha, 8 RGB(A) 16-bit), twice for an interlaced PNG (its passes, then the image)
//	other 8 bytes per pixel
//
// r is read (with a few small ReadAt calls) only for the JPEG frame header (sampling factors,
// progressive or not) or the PNG interlace flag. When it cannot tell, it assumes the costlier case.
func decodeCost(r io.ReaderAt, cfg image.Config, format string) int64 {
	px := int64(cfg.Width) * int64(cfg.Height)
	s := int64(min(cfg.Width, cfg.Height))
	square := 4 * s * s
	switch format {
	case "jpeg":
		progressive, samples := jpegFrame(r)
		img := int64(samples * float64(px))
		if progressive {
			img *= 5
		}
		return img + square
	case "png":
		bpp := int64(4)
		switch cfg.ColorModel {
		case color.GrayModel, color.AlphaModel:
			bpp = 1
		case color.Gray16Model:
			bpp = 2
		case color.RGBA64Model, color.NRGBA64Model:
			bpp = 8
		default:
			if _, ok := cfg.ColorModel.(color.Palette); ok {
				bpp = 1
			}
		}
		img := px * bpp
		if pngInterlaced(r) {
			img *= 2
		}
		return img + square
	}
	return 8*px + square
}

// jpegFrame reads the frame header (SOFn) of the JPEG read by r and returns whether it is
// progressive (SOF2, SOF6, SOF10, SOF14) and the samples per pixel of all its component planes,
// Σ_c H_c·V_c / (H_max·V_max). When the markers cannot be followed it answers progressive, four
// full planes: the costliest case.
func jpegFrame(r io.ReaderAt) (progressive bool, samples float64) {
	const worst = 4
	var h [4]byte
	off := int64(2) // after SOI
	for range 4096 {
		if _, err := r.ReadAt(h[:], off); err != nil || h[0] != 0xff {
			return true, worst
		}
		length := int64(h[2])<<8 | int64(h[3])
		switch m := h[1]; {
		case m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc: // SOFn
			// precision, height, width (5 bytes), then per component: id, H<<4|V, table.
			body := make([]byte, max(length-2, 0))
			if _, err := r.ReadAt(body, off+4); err != nil || len(body) < 6 || body[5] == 0 || len(body) < 6+3*int(body[5]) {
				return true, worst
			}
			n := int(body[5])
			hmax, vmax, sum := 1, 1, 0
			for c := range n {
				f := body[6+3*c+1]
				hmax, vmax = max(hmax, int(f>>4)), max(vmax, int(f&15))
				sum += int(f>>4) * int(f&15)
			}
			return m&3 == 2, float64(sum) / float64(hmax*vmax)
		case m == 0xda || m == 0xd9 || m == 0xff: // a scan or the end before a frame, or fill bytes
			return true, worst
		}
		if length < 2 {
			return true, worst
		}
		off += 2 + length
	}
	return true, worst
}

// pngInterlaced reports whether the PNG read by r is Adam7-interlaced (IHDR's last byte, at file
// offset 28); when it cannot tell it says yes, the costlier answer.
func pngInterlaced(r io.ReaderAt) bool {
	var b [1]byte
	if _, err := r.ReadAt(b[:], 28); err != nil {
		return true
	}
	return b[0] != 0
}
