package gpu

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/pflag"
)

// RegisterFlags adds the device flags every command shares: --device, --validate, --vector-width,
// --kernels, --conv-algo.
func (o *Options) RegisterFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.Device, "device", o.Device, "Vulkan device: index or name substring (see `devices`); default: the discrete GPU with most memory, else the first")
	fs.BoolVar(&o.Validation, "validate", o.Validation, "turn on the Vulkan validation layer (slow; for debugging)")
	if o.VectorWidth == "" {
		o.VectorWidth = "auto"
	}
	if o.Kernels == "" {
		o.Kernels = os.Getenv("ALEXNET_KERNELS")
	}
	if o.Kernels == "" {
		o.Kernels = "auto"
	}
	fs.StringVar(&o.Kernels, "kernels", o.Kernels, "product kernels' variant: auto (on GPUs gpu, else gpu-small; on CPU devices tile, else portable), gpu (shared-memory tiles of 128×128; needs 256 invocations and 16 KiB), gpu-small (64×64; 64 invocations, 8 KiB), tile (subgroup tile; needs full subgroups of 8 or more) or portable (any device); bin/devices shows each device's choice and why ($ALEXNET_KERNELS sets the default)")
	if o.ConvAlgo == "" {
		o.ConvAlgo = os.Getenv("ALEXNET_CONV_ALGO")
	}
	if o.ConvAlgo == "" {
		o.ConvAlgo = "auto"
	}
	fs.Var((*convAlgo)(&o.ConvAlgo), "conv-algo", "conv2d algorithm of the layers with a Winograd form (3×3 or 5×5 filters at stride 1: conv2–conv5 of AlexNet): auto (time direct and each Winograd form, F(2×2,3×3) and F(4×4,3×3) or F(2×2,5×5), per layer and pass at start-up, keep the fastest; a resumed run reuses its checkpoint's choice), direct, winograd (Winograd F(2×2,3×3) or F(2×2,5×5) wherever a form exists) or winograd4 (as winograd, with F(4×4,3×3) for the 3×3 layers); other layers are always direct ($ALEXNET_CONV_ALGO sets the default)")
	fs.Var((*vectorWidth)(&o.VectorWidth), "vector-width", "lavapipe's SIMD width (LP_NATIVE_VECTOR_WIDTH): auto (512 on AVX-512 CPUs unless the variable is set), 256, 512, or native (lavapipe's default)")
}

// vectorWidth is --vector-width: one of the values applyVectorWidth knows, checked when parsed.
type vectorWidth string

func (v *vectorWidth) String() string { return string(*v) }
func (v *vectorWidth) Type() string   { return "string" }
func (v *vectorWidth) Set(s string) error {
	if !slices.Contains(vectorWidths, s) {
		return badVectorWidth(s)
	}
	*v = vectorWidth(s)
	return nil
}

// convAlgos are the values --conv-algo takes (layers/vk.ConvAlgoModes; this package knows no layers).
var convAlgos = []string{"auto", "direct", "winograd", "winograd4"}

// convAlgo is --conv-algo: one of convAlgos, checked when parsed.
type convAlgo string

func (v *convAlgo) String() string { return string(*v) }
func (v *convAlgo) Type() string   { return "string" }
func (v *convAlgo) Set(s string) error {
	if !slices.Contains(convAlgos, s) {
		return fmt.Errorf("%q: want one of %s", s, strings.Join(convAlgos, ", "))
	}
	*v = convAlgo(s)
	return nil
}
