package viz_test

import (
	"bytes"
	"image"
	"image/png"
)

func decodePNG(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) }

func boundsOf(img image.Image) image.Rectangle {
	if img == nil {
		return image.Rectangle{}
	}
	return img.Bounds()
}
