package gpu

import (
	"os"
	"slices"

	"github.com/spf13/pflag"
)

// RegisterFlags adds the device flags every command shares: --device, --validate, --vector-width,
// --kernels.
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
