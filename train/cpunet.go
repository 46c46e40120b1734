package train

import (
	"fmt"

	"github.com/alexnet-vk/alexnet/layers"
)

// CPUNet runs an architecture with the CPU reference layers in float64: the specification the GPU
// network is tested against (same parameters, same dropout masks, same SGD rule).
type CPUNet struct {
	Arch        Arch
	Shapes      []Shape
	Params      []Param
	W, V        [][]float64 // per Param
	Seeds       []uint32    // dropout seed per layer
	DecayBiases bool
}

// NewCPUNet builds the reference of a GPU net with its current parameters and momenta.
func NewCPUNet(n *Net) (*CPUNet, error) {
	w, v, err := n.download()
	if err != nil {
		return nil, err
	}
	c := &CPUNet{Arch: n.Arch, Shapes: n.Shapes, Params: n.Params, DecayBiases: n.Cfg.DecayBiases}
	for i := range n.Params {
		c.W = append(c.W, f64s(w[i]))
		c.V = append(c.V, f64s(v[i]))
	}
	for i := range n.Arch.Layers {
		c.Seeds = append(c.Seeds, n.layerSeed(i))
	}
	return c, nil
}

func f64s(v []float32) []float64 {
	o := make([]float64, len(v))
	for i, x := range v {
		o[i] = float64(x)
	}
	return o
}

func (c *CPUNet) param(layer int, bias bool) int {
	for i, p := range c.Params {
		if p.Layer == layer && p.IsBias == bias {
			return i
		}
	}
	panic(fmt.Sprintf("train: layer %d has no parameters", layer))
}

// Logits runs the forward pass without dropout.
func (c *CPUNet) Logits(x []float32, nb int) []float64 {
	acts, _, _ := c.forward(x, nb, 0, false)
	return acts[len(acts)-1]
}

// forward returns every layer's output (acts[i+1] for layer i, acts[0] the input) and what backward
// needs: LRN scales and max-pool argmaxes.
func (c *CPUNet) forward(x []float32, nb int, step uint32, train bool) ([][]float64, [][]float64, [][]int32) {
	L := c.Arch.Layers
	acts := make([][]float64, len(L)+1) // acts[i+1] = output of layer i
	acts[0] = f64s(x)
	aux := make([][]float64, len(L))
	args := make([][]int32, len(L))
	for i, l := range L {
		in, out := c.inShape(i), c.Shapes[i]
		xin := acts[i]
		y := make([]float64, nb*out.Size())
		switch l.Kind {
		case Conv:
			layers.Conv2DForward(y, xin, c.W[c.param(i, false)], c.W[c.param(i, true)], c.conv(i, nb))
		case Linear:
			layers.LinearForward(y, xin, c.W[c.param(i, false)], c.W[c.param(i, true)], layers.Linear{N: nb, In: in.Size(), Out: l.Out})
		case ReLU:
			layers.ReLUForward(y, xin)
		case LRN:
			aux[i] = make([]float64, len(y))
			layers.LRNForward(y, aux[i], xin, c.lrn(i, nb))
		case MaxPool:
			args[i] = make([]int32, len(y))
			layers.MaxPoolForward(y, args[i], xin, c.pool(i, nb))
		case AvgPool:
			layers.AvgPoolForward(y, xin, layers.AvgPool{N: nb, C: in.C, H: in.H, W: in.W, OH: l.OH, OW: l.OW})
		case Dropout:
			p := l.P
			if !train {
				p = 0
			}
			layers.DropoutForward(y, xin, layers.Dropout{P: p, Seed: c.Seeds[i], Step: step})
		}
		acts[i+1] = y
	}
	return acts, aux, args
}

// Step runs one SGD step (the paper's rule) on a batch and returns the mean loss.
func (c *CPUNet) Step(x []float32, labels []int32, step uint32, lr, mu, wd float64) float64 {
	nb := len(labels)
	L := c.Arch.Layers
	acts, aux, args := c.forward(x, nb, step, true)
	last := len(L) - 1
	k := c.Shapes[last].C
	dy := make([]float64, nb*k)
	loss := make([]float64, nb)
	layers.SoftmaxCE(dy, loss, acts[len(L)], labels, nb, k, 1/float64(nb))
	mean := 0.0
	for _, v := range loss {
		mean += v / float64(nb)
	}
	grads := make([][]float64, len(c.Params))
	for i, p := range c.Params {
		grads[i] = make([]float64, p.Size())
	}
	for i := last; i >= 0; i-- {
		l, in := L[i], c.inShape(i)
		dx := make([]float64, len(acts[i]))
		switch l.Kind {
		case Conv:
			p := c.conv(i, nb)
			layers.Conv2DBackwardFilter(grads[c.param(i, false)], grads[c.param(i, true)], dy, acts[i], p)
			layers.Conv2DBackwardData(dx, dy, c.W[c.param(i, false)], p)
		case Linear:
			p := layers.Linear{N: nb, In: in.Size(), Out: l.Out}
			layers.LinearBackwardWeight(grads[c.param(i, false)], grads[c.param(i, true)], dy, acts[i], p)
			layers.LinearBackwardData(dx, dy, c.W[c.param(i, false)], p)
		case ReLU:
			layers.ReLUBackward(dx, dy, acts[i+1])
		case LRN:
			layers.LRNBackward(dx, dy, acts[i], acts[i+1], aux[i], c.lrn(i, nb))
		case MaxPool:
			layers.MaxPoolBackward(dx, dy, args[i], c.pool(i, nb))
		case AvgPool:
			layers.AvgPoolBackward(dx, dy, layers.AvgPool{N: nb, C: in.C, H: in.H, W: in.W, OH: l.OH, OW: l.OW})
		case Dropout:
			layers.DropoutBackward(dx, dy, layers.Dropout{P: l.P, Seed: c.Seeds[i], Step: step})
		}
		dy = dx
	}
	for i, p := range c.Params {
		d := wd
		if p.IsBias && !c.DecayBiases {
			d = 0
		}
		layers.SGD(c.W[i], c.V[i], grads[i], lr, mu, d)
	}
	return mean
}

func (c *CPUNet) inShape(i int) Shape {
	if i == 0 {
		return c.Arch.In
	}
	return c.Shapes[i-1]
}

func (c *CPUNet) conv(i, nb int) layers.Conv2D {
	l, in := c.Arch.Layers[i], c.inShape(i)
	return layers.Conv2D{N: nb, C: in.C, H: in.H, W: in.W, K: l.Out, R: l.Kernel, S: l.Kernel, Stride: l.Stride, Pad: l.Pad, Groups: l.Groups}
}

func (c *CPUNet) lrn(i, nb int) layers.LRN {
	return lrnOf(c.Arch.Layers[i], c.inShape(i), nb)
}

func (c *CPUNet) pool(i, nb int) layers.MaxPool {
	l, in := c.Arch.Layers[i], c.inShape(i)
	return layers.MaxPool{N: nb, C: in.C, H: in.H, W: in.W, Size: l.Size, Stride: l.Stride}
}
