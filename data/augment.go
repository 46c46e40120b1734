package data

import "fmt"

// Norm selects how the loader normalises pixels.
type Norm int

// Normalisation modes; the zero value is the paper's.
const (
	NormMeanImage Norm = iota // x − mean image of the training set, raw 0..255 units (paper §2)
	NormImageNet              // (x/255 − mean)/std with torchvision's ImageNet values (imported weights)
	NormChannel               // (x − m_c)/s_c with the training set's per-channel mean and std
	NormNone                  // x/255
)

var normNames = map[Norm]string{NormMeanImage: "mean-image", NormImageNet: "imagenet", NormChannel: "channel", NormNone: "none"}

// String returns the mode's flag spelling (see ParseNorm).
func (n Norm) String() string {
	if s, ok := normNames[n]; ok {
		return s
	}
	return fmt.Sprintf("Norm(%d)", int(n))
}

// ParseNorm turns a flag value (mean-image, imagenet, channel, none) into a Norm.
func ParseNorm(s string) (Norm, error) {
	for n, name := range normNames {
		if s == name {
			return n, nil
		}
	}
	return 0, fmt.Errorf("data: unknown normalisation %q (expected mean-image, imagenet, channel or none)", s)
}

// ImageNetMean and ImageNetStd are torchvision's normalisation constants, on [0,1] pixels (R, G, B).
var (
	ImageNetMean = [3]float64{0.485, 0.456, 0.406}
	ImageNetStd  = [3]float64{0.229, 0.224, 0.225}
)

// lumaWeights convert RGB to grey (ITU-R BT.601, as PIL's convert("L") and torchvision's Grayscale).
var lumaWeights = [3]float64{0.299, 0.587, 0.114}

// pipeline turns one native HWC uint8 image into a normalised C×crop×crop float32 crop.
type pipeline struct {
	cn, h, w   int       // native channels and (resized) size
	co, crop   int       // output channels and side
	pad        int       // zero border added around the image before cropping
	meanImg    []float32 // NormMeanImage: co×h×w mean in output channels; nil otherwise
	scale      float32   // multiplies the converted value before the per-channel step
	chMean     [3]float32
	chInvStd   [3]float32
	eig        []float64 // native-channel eigenvectors, eig[k*cn+j]
	eigVal     []float64
	noiseSigma float64 // std of the α_i of PCA colour noise; 0 = off
}

// toOut converts native channel values v (len cn) into output channels.
func (p *pipeline) toOut(out *[3]float32, v *[3]float32) {
	switch {
	case p.cn == p.co:
		*out = *v
	case p.cn == 1: // grey → RGB: replicate
		out[0], out[1], out[2] = v[0], v[0], v[0]
	default: // RGB → grey
		out[0] = float32(lumaWeights[0])*v[0] + float32(lumaWeights[1])*v[1] + float32(lumaWeights[2])*v[2]
	}
}

// noise returns the PCA colour offset for one image, in raw pixel units per native channel:
// 255·Σ_i α_i λ_i p_i with α_i ~ N(0, σ) (§4.1; λ, p from the [0,1]-scaled covariance).
func (p *pipeline) noise(alpha []float64) [3]float32 {
	var d [3]float32
	if p.noiseSigma == 0 || p.eig == nil {
		return d
	}
	for k := 0; k < p.cn; k++ {
		s := 0.0
		for i := 0; i < p.cn; i++ {
			s += alpha[i] * p.noiseSigma * p.eigVal[i] * p.eig[k*p.cn+i]
		}
		d[k] = float32(255 * s)
	}
	return d
}

// render writes the crop×crop window at (oy, ox) of the padded image into y; see renderGeneral.
func (p *pipeline) render(y []float32, img []byte, oy, ox int, flip bool, noise [3]float32) {
	if p.cn == p.co {
		p.renderSame(y, img, oy, ox, flip, noise)
	} else {
		p.renderGeneral(y, img, oy, ox, flip, noise)
	}
}

// renderSame is renderGeneral for equal native and output channels, plane by plane and row by row
// so the inner loop is a strided load, an add and a subtract (about 4× faster on 227×227 crops).
func (p *pipeline) renderSame(y []float32, img []byte, oy, ox int, flip bool, noise [3]float32) {
	cs, cn := p.crop*p.crop, p.cn
	for c := 0; c < p.co; c++ {
		a, b := p.scale*p.chInvStd[c], -p.chMean[c]*p.chInvStd[c] // (v·scale − m)·inv = v·a + b
		for yy := 0; yy < p.crop; yy++ {
			row := y[c*cs+yy*p.crop : c*cs+(yy+1)*p.crop]
			sy := oy + yy - p.pad
			if sy < 0 || sy >= p.h {
				clear(row)
				continue
			}
			src := img[sy*p.w*cn+c:]
			var mean []float32
			if p.meanImg != nil {
				mean = p.meanImg[(c*p.h+sy)*p.w : (c*p.h+sy+1)*p.w]
			}
			for xx := range row {
				sx := ox + xx - p.pad
				if flip {
					sx = ox + p.crop - 1 - xx - p.pad
				}
				if sx < 0 || sx >= p.w {
					row[xx] = 0
					continue
				}
				v := float32(src[sx*cn]) + noise[c]
				if mean != nil {
					row[xx] = v - mean[sx]
				} else {
					row[xx] = v*a + b
				}
			}
		}
	}
}

// renderGeneral writes the crop×crop window at (oy, ox) of the padded image into y (co×crop×crop, CHW),
// mirrored left-right when flip, with noise added to every native pixel. Padding becomes 0, i.e. the
// mean after normalisation.
func (p *pipeline) renderGeneral(y []float32, img []byte, oy, ox int, flip bool, noise [3]float32) {
	cs := p.crop * p.crop
	var v, o [3]float32
	for yy := 0; yy < p.crop; yy++ {
		sy := oy + yy - p.pad
		for xx := 0; xx < p.crop; xx++ {
			sx := ox + xx - p.pad
			if flip {
				sx = ox + p.crop - 1 - xx - p.pad
			}
			at := yy*p.crop + xx
			if sy < 0 || sy >= p.h || sx < 0 || sx >= p.w {
				for c := 0; c < p.co; c++ {
					y[c*cs+at] = 0
				}
				continue
			}
			px := img[(sy*p.w+sx)*p.cn:]
			for k := 0; k < p.cn; k++ {
				v[k] = float32(px[k]) + noise[k]
			}
			p.toOut(&o, &v)
			if p.meanImg != nil {
				for c := 0; c < p.co; c++ {
					y[c*cs+at] = o[c] - p.meanImg[(c*p.h+sy)*p.w+sx]
				}
			} else {
				for c := 0; c < p.co; c++ {
					y[c*cs+at] = (o[c]*p.scale - p.chMean[c]) * p.chInvStd[c]
				}
			}
		}
	}
}
