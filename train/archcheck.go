package train

import (
	"fmt"
	"math"
)

// Bounds on a layer's sizes: far beyond AlexNet's (4096 features, 11×11 kernels), small enough that
// shape arithmetic cannot overflow and a hostile record cannot ask for terabytes.
const (
	maxWidth  = 1 << 20 // output channels or features
	maxKernel = 1 << 10 // kernel, window, stride, padding, LRN size
)

// checkLayer checks one layer's fields as the flags that could set them would: a known kind, every
// size and stride at least 1, groups that divide the channels, finite parameters in range. It
// runs before any shape arithmetic, so a bad record gives an error, never a division by zero.
func checkLayer(l Layer, in Shape) error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("layer %q (%s): %s", l.Name, l.Kind, fmt.Sprintf(format, a...))
	}
	between := func(what string, v, lo, hi int) error {
		if v < lo || v > hi {
			return bad("%s %d, need %d to %d", what, v, lo, hi)
		}
		return nil
	}
	finite := func(what string, v float64) error {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return bad("%s %v, need a finite number", what, v)
		}
		return nil
	}
	var errs []error
	switch l.Kind {
	case Conv:
		errs = append(errs, between("output channels", l.Out, 1, maxWidth), between("kernel", l.Kernel, 1, maxKernel),
			between("stride", l.Stride, 1, maxKernel), between("padding", l.Pad, 0, maxKernel),
			between("groups", l.Groups, 1, maxWidth), finite("weight std", l.WeightStd), finite("bias init", l.BiasInit))
		if l.Groups >= 1 && (in.C%l.Groups != 0 || l.Out%l.Groups != 0) {
			errs = append(errs, bad("%d input and %d output channels do not split into %d groups", in.C, l.Out, l.Groups))
		}
	case Linear:
		errs = append(errs, between("output features", l.Out, 1, maxWidth), finite("weight std", l.WeightStd), finite("bias init", l.BiasInit))
	case MaxPool:
		errs = append(errs, between("window", l.Size, 1, maxKernel), between("stride", l.Stride, 1, maxKernel))
	case AvgPool:
		errs = append(errs, between("output height", l.OH, 1, maxKernel), between("output width", l.OW, 1, maxKernel))
	case LRN:
		p := l.LRN
		errs = append(errs, between("size", p.Size, 1, maxKernel), finite("alpha", p.Alpha), finite("beta", p.Beta), finite("k", p.K))
		if !(p.K > 0) || !(p.Alpha >= 0) || !(p.Beta >= 0) {
			errs = append(errs, bad("k %g, alpha %g, beta %g: need k > 0, alpha >= 0, beta >= 0", p.K, p.Alpha, p.Beta))
		}
	case Dropout:
		if !(l.P >= 0 && l.P < 1) {
			errs = append(errs, bad("p %v, need 0 <= p < 1", l.P))
		}
	case ReLU:
	default:
		return fmt.Errorf("layer %q: unknown kind %q (known: %s, %s, %s, %s, %s, %s, %s)", l.Name, l.Kind, Conv, ReLU, LRN, MaxPool, AvgPool, Dropout, Linear)
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	if l.HasParams() && (l.WName == "" || l.BName == "" || l.WName == l.BName) {
		return bad("parameter names %q and %q, need two different names", l.WName, l.BName)
	}
	return nil
}
