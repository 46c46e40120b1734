package viz

import (
	"image"
	"testing"
)

// fashionLike returns a 28×28 grey test image: a bright blob on black, like a Fashion-MNIST item.
func fashionLike() *image.RGBA {
	x := make([]float32, 28*28)
	for y := 0; y < 28; y++ {
		for i := 0; i < 28; i++ {
			if (i-14)*(i-14)+(y-12)*(y-12)*2 < 90 {
				x[y*28+i] = float32(i + y)
			}
		}
	}
	return TensorImage(x, 1, 28, 28)
}

func TestActivationPanelGolden(t *testing.T) {
	cases := []struct {
		name    string
		c, h, w int
		opt     ActivationOptions
	}{
		{"actpanel_12x9x9_input", 12, 9, 9, ActivationOptions{Scale: 3, Input: fashionLike(), Caption: "conv2  12x9x9 at step 500"}},
		{"actpanel_40x3x3_margin", 40, 3, 3, ActivationOptions{Scale: 2, PerChannel: true, Caption: "conv5  40x3x3, per channel"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := activationPatterns(tc.c, tc.h, tc.w, false)
			img := ActivationPanel(a, tc.c, tc.h, tc.w, tc.opt)
			var in image.Point
			if tc.opt.Input != nil {
				in = tc.opt.Input.Bounds().Size()
			}
			if sz := ActivationPanelSize(tc.c, tc.h, tc.w, in, tc.opt); sz != img.Rect.Size() {
				t.Errorf("ActivationPanelSize = %v, the panel is %v", sz, img.Rect.Size())
			}
			checkGolden(t, tc.name, img)
		})
	}
}
