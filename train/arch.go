// Package train holds the AlexNet architectures as data, the GPU-resident network that trains them
// (one recorded step replayed every batch), SGD schedules, metrics and checkpoints.
package train

import (
	"fmt"
	"sort"
	"strings"
)

// Kind names a layer type; the names match package layers and the shaders.
type Kind string

const (
	Conv    Kind = "conv2d"
	ReLU    Kind = "relu"
	LRN     Kind = "lrn"
	MaxPool Kind = "maxpool"
	AvgPool Kind = "avgpool" // adaptive average pool to OH×OW
	Dropout Kind = "dropout"
	Linear  Kind = "linear"
)

// LRNParams are local response normalisation's constants (paper §3.3).
type LRNParams struct {
	Size           int
	Alpha, Beta, K float64
	AlphaOverN     bool // Caffe/PyTorch divide alpha by Size; the paper does not
}

// Layer is one step of an architecture. Only the fields of its Kind are used.
type Layer struct {
	Kind Kind
	Name string
	// conv2d and linear: output channels/features; conv2d geometry. Groups also splits an lrn: each
	// of its Groups blocks of channels is normalised on its own (the paper's two GPUs).
	Out, Kernel, Stride, Pad, Groups int
	// maxpool: window Size and Stride (Stride above).
	Size int
	// avgpool: output size.
	OH, OW int
	// lrn
	LRN LRNParams
	// dropout probability
	P float64
	// Initialisation: weights N(0, WeightStd²); He-normal (std √(2/fan-in)) when WeightStd is 0;
	// PyTorch's default (std √(1/(3·fan-in)), the variance of its uniform init) when it is negative.
	// Biases BiasInit.
	WeightStd, BiasInit float64
	// Parameter names in checkpoints (torchvision's for alexnet-tv).
	WName, BName string
}

// HasParams reports whether the layer has a weight and a bias.
func (l Layer) HasParams() bool { return l.Kind == Conv || l.Kind == Linear }

// Shape is a per-sample activation shape; fully connected activations are C×1×1.
type Shape struct{ C, H, W int }

// Size returns the number of elements per sample.
func (s Shape) Size() int { return s.C * s.H * s.W }

func (s Shape) String() string {
	if s.H == 1 && s.W == 1 {
		return fmt.Sprintf("%d", s.C)
	}
	return fmt.Sprintf("%d×%d×%d", s.C, s.H, s.W)
}

// Arch is a network: an input shape, a class count and a list of layers.
type Arch struct {
	Name    string
	In      Shape
	Classes int
	Layers  []Layer
	// Notes say what an arch is for and how it differs from the paper.
	Notes string
}

// Builders of the known architectures, by name.
var builders = map[string]func(classes, channels, size int) Arch{
	"alexnet":       Paper,
	"alexnet-tv":    TorchVision,
	"alexnet-small": Small,
}

// Names lists the known architectures.
func Names() []string {
	n := make([]string, 0, len(builders))
	for k := range builders {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}

// Get returns the named architecture for a dataset of the given classes, channels and image size
// (size is used by alexnet-small only; 0 means its default of 28).
func Get(name string, classes, channels, size int) (Arch, error) {
	b, ok := builders[name]
	if !ok {
		return Arch{}, fmt.Errorf("unknown --arch %q (known: %s)", name, strings.Join(Names(), ", "))
	}
	if classes < 1 {
		return Arch{}, fmt.Errorf("--arch %s: %d classes (need at least 1)", name, classes)
	}
	if channels != 1 && channels != 3 {
		return Arch{}, fmt.Errorf("--arch %s: %d input channels (need 1 or 3)", name, channels)
	}
	a := b(classes, channels, size)
	if _, err := a.Shapes(); err != nil {
		return Arch{}, err
	}
	return a, nil
}

// Shapes returns the output shape of every layer (shapes[i] is layer i's output), or an error naming
// the first layer whose input is too small.
func (a Arch) Shapes() ([]Shape, error) {
	out := make([]Shape, len(a.Layers))
	s := a.In
	if s.C < 1 || s.H < 1 || s.W < 1 || s.H > maxInput || s.W > maxInput || s.C > maxWidth {
		return nil, fmt.Errorf("input %d×%d×%d: need 1 to %d channels and 1 to %d pixels a side", s.C, s.H, s.W, maxWidth, maxInput)
	}
	names := map[string]bool{}
	for i, l := range a.Layers {
		if err := checkLayer(l, s); err != nil {
			return nil, err
		}
		if l.HasParams() {
			if names[l.WName] || names[l.BName] {
				return nil, fmt.Errorf("layer %q: parameter name %q or %q used twice", l.Name, l.WName, l.BName)
			}
			names[l.WName], names[l.BName] = true, true
		}
		if l.Kind == Conv && int64(l.Out)*int64(s.C/l.Groups)*int64(l.Kernel)*int64(l.Kernel) > maxTensor {
			return nil, fmt.Errorf("layer %q: %d×%d×%d×%d weights, more than %d", l.Name, l.Out, s.C/l.Groups, l.Kernel, l.Kernel, maxTensor)
		}
		if l.Kind == Linear && s.Size() > maxTensor/l.Out {
			return nil, fmt.Errorf("layer %q: %d×%d weights, more than %d", l.Name, l.Out, s.Size(), maxTensor)
		}
		switch l.Kind {
		case Conv:
			oh, ow := (s.H+2*l.Pad-l.Kernel)/l.Stride+1, (s.W+2*l.Pad-l.Kernel)/l.Stride+1
			if s.H+2*l.Pad < l.Kernel || s.W+2*l.Pad < l.Kernel {
				return nil, fmt.Errorf("%s: input %v is smaller than its %d×%d kernel (the arch needs larger images)", l.Name, s, l.Kernel, l.Kernel)
			}
			if s.C%l.Groups != 0 || l.Out%l.Groups != 0 {
				return nil, fmt.Errorf("%s: %d input and %d output channels do not split into %d groups", l.Name, s.C, l.Out, l.Groups)
			}
			s = Shape{l.Out, oh, ow}
		case MaxPool:
			if s.H < l.Size || s.W < l.Size {
				return nil, fmt.Errorf("%s: input %v is smaller than its %d×%d window (the arch needs larger images)", l.Name, s, l.Size, l.Size)
			}
			s = Shape{s.C, (s.H-l.Size)/l.Stride + 1, (s.W-l.Size)/l.Stride + 1}
		case AvgPool:
			s = Shape{s.C, l.OH, l.OW}
		case LRN:
			if l.Groups > 1 && s.C%l.Groups != 0 {
				return nil, fmt.Errorf("%s: %d channels do not split into %d groups", l.Name, s.C, l.Groups)
			}
		case Linear:
			s = Shape{l.Out, 1, 1}
		}
		if s.Size() > maxTensor {
			return nil, fmt.Errorf("layer %q: output %v, more than %d values per image", l.Name, s, maxTensor)
		}
		out[i] = s
	}
	return out, nil
}

// Bounds on an architecture's shapes (see also checkLayer): the input side, and the values of one
// tensor (activations per image, or a layer's weights), 8 GiB of float32.
const (
	maxInput  = 1 << 14
	maxTensor = 1 << 31
)

// ParamCount returns the number of weights and biases.
func (a Arch) ParamCount() int {
	n := 0
	for _, p := range a.Params() {
		n += p.Size()
	}
	return n
}

// Param describes one parameter tensor.
type Param struct {
	Name   string
	Layer  int // index into Arch.Layers
	Shape  []int
	IsBias bool
}

// Size returns the number of elements.
func (p Param) Size() int {
	n := 1
	for _, d := range p.Shape {
		n *= d
	}
	return n
}

// Params lists the parameter tensors in checkpoint order: each layer's weight then bias.
func (a Arch) Params() []Param {
	shapes, err := a.Shapes()
	if err != nil {
		panic("train: " + err.Error())
	}
	var ps []Param
	in := a.In
	for i, l := range a.Layers {
		switch l.Kind {
		case Conv:
			ps = append(ps, Param{l.WName, i, []int{l.Out, in.C / l.Groups, l.Kernel, l.Kernel}, false},
				Param{l.BName, i, []int{l.Out}, true})
		case Linear:
			ps = append(ps, Param{l.WName, i, []int{l.Out, in.Size()}, false}, Param{l.BName, i, []int{l.Out}, true})
		}
		in = shapes[i]
	}
	return ps
}

// FLOPs returns the forward pass's floating-point operations per sample (2 per multiply-add).
func (a Arch) FLOPs() int64 {
	shapes, _ := a.Shapes()
	var f int64
	in := a.In
	for i, l := range a.Layers {
		o := shapes[i]
		switch l.Kind {
		case Conv:
			f += 2 * int64(o.Size()) * int64(in.C/l.Groups*l.Kernel*l.Kernel)
		case Linear:
			f += 2 * int64(o.C) * int64(in.Size())
		}
		in = o
	}
	return f
}

// Summary returns the shape table printed by `train --summary`.
func (a Arch) Summary() string {
	shapes, err := a.Shapes()
	if err != nil {
		return err.Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: input %v, %d classes\n", a.Name, a.In, a.Classes)
	if a.Notes != "" {
		fmt.Fprintf(&b, "  %s\n", a.Notes)
	}
	fmt.Fprintf(&b, "  %-8s %-8s %-14s %12s %10s  %s\n", "layer", "kind", "output", "params", "MFLOPs", "details")
	in := a.In
	var total int64
	for i, l := range a.Layers {
		o := shapes[i]
		params, flops, det := 0, int64(0), ""
		switch l.Kind {
		case Conv:
			params = l.Out*in.C/l.Groups*l.Kernel*l.Kernel + l.Out
			flops = 2 * int64(o.Size()) * int64(in.C/l.Groups*l.Kernel*l.Kernel)
			det = fmt.Sprintf("%d×%d stride %d pad %d groups %d", l.Kernel, l.Kernel, l.Stride, l.Pad, l.Groups)
		case Linear:
			params = l.Out*in.Size() + l.Out
			flops = 2 * int64(o.C) * int64(in.Size())
		case LRN:
			det = fmt.Sprintf("n=%d α=%g β=%g k=%g (α/n: %v)", l.LRN.Size, l.LRN.Alpha, l.LRN.Beta, l.LRN.K, l.LRN.AlphaOverN)
			if l.Groups > 1 {
				det += fmt.Sprintf(" within %d groups", l.Groups)
			}
		case MaxPool:
			det = fmt.Sprintf("%d×%d stride %d", l.Size, l.Size, l.Stride)
		case Dropout:
			det = fmt.Sprintf("p=%g", l.P)
		}
		total += flops
		fmt.Fprintf(&b, "  %-8s %-8s %-14v %12d %10.1f  %s\n", l.Name, l.Kind, o, params, float64(flops)/1e6, det)
		in = o
	}
	fmt.Fprintf(&b, "  total parameters %d, forward %.1f MFLOPs per image (%.3f G multiply-adds)\n",
		a.ParamCount(), float64(total)/1e6, float64(total)/2e9)
	return b.String()
}
