package main

import "github.com/alexnet-vk/alexnet/data"

// lumaWeights convert RGB to grey (ITU-R BT.601, as the data package and PIL's convert("L")).
var lumaWeights = [3]float32{0.299, 0.587, 0.114}

// prep turns an image file into the net's input crops: the image's central square is scaled to
// side×side, then one crop×crop window (the centre) or ten (4 corners, centre, and their mirrors,
// in the data loader's order) is normalised as in = (v·scale − mean[c])·invStd[c] for a pixel value
// v in 0..255, or in = v − meanImg[c, y, x] when meanImg (channels×side×side) is set.
type prep struct {
	side, crop, channels int
	tenCrop              bool
	scale                float32
	mean, invStd         [3]float32
	meanImg              []float32
	desc                 string // how, in words, for the log
}

// crops returns the crops per image.
func (p *prep) crops() int {
	if p.tenCrop {
		return 10
	}
	return 1
}

// floats returns the input floats per image (all its crops).
func (p *prep) floats() int { return p.crops() * p.channels * p.crop * p.crop }

// load decodes the JPEG or PNG at path and writes its crops into x (p.floats() values). Decoding
// is data.DecodeImageFile's: the file must be a regular file, the header's size is checked and the
// decode waits for its share of the process's decoding memory before any pixel is allocated. Its
// errors name the file.
func (p *prep) load(path string, x []float32) error {
	sq := make([]byte, p.side*p.side*3)
	if err := data.DecodeImageFile(path, p.side, sq); err != nil {
		return err
	}
	p.render(x, sq)
	return nil
}

// origins returns the top-left corners of the crops within the side×side square.
func (p *prep) origins() [][2]int {
	d := p.side - p.crop
	centre := [2]int{d / 2, d / 2}
	if !p.tenCrop {
		return [][2]int{centre}
	}
	return [][2]int{{0, 0}, {0, d}, {d, 0}, {d, d}, centre}
}

// render writes the crops of sq (side×side HWC RGB bytes, as data.DecodeImageFile writes them) into
// x: crop k, channel c, row y, column x at x[((k·channels + c)·crop + y)·crop + x]; crops 5–9
// mirror crops 0–4 left-right.
func (p *prep) render(x []float32, sq []byte) {
	cs := p.crop * p.crop
	flips := []bool{false}
	if p.tenCrop {
		flips = append(flips, true)
	}
	k := 0
	for _, flip := range flips {
		for _, o := range p.origins() {
			for c := 0; c < p.channels; c++ {
				dst := x[(k*p.channels+c)*cs : (k*p.channels+c+1)*cs]
				for yy := 0; yy < p.crop; yy++ {
					sy := o[0] + yy
					row := sq[sy*3*p.side:]
					for xx := 0; xx < p.crop; xx++ {
						sx := o[1] + xx
						if flip {
							sx = o[1] + p.crop - 1 - xx
						}
						v := p.value(row[3*sx:3*sx+3], c)
						if p.meanImg != nil {
							v -= p.meanImg[(c*p.side+sy)*p.side+sx]
						} else {
							v = (v*p.scale - p.mean[c]) * p.invStd[c]
						}
						dst[yy*p.crop+xx] = v
					}
				}
			}
			k++
		}
	}
}

// value returns channel c of an RGB pixel in 0..255, or its luma for one-channel nets.
func (p *prep) value(rgb []byte, c int) float32 {
	if p.channels == 1 {
		return lumaWeights[0]*float32(rgb[0]) + lumaWeights[1]*float32(rgb[1]) + lumaWeights[2]*float32(rgb[2])
	}
	return float32(rgb[c])
}
