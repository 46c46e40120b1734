package gpu

import "github.com/spf13/pflag"

// RegisterFlags adds the device flags every command shares: --device and --validate.
func (o *Options) RegisterFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.Device, "device", o.Device, "Vulkan device: index or name substring (see `devices`); default: the discrete GPU with most memory, else the first")
	fs.BoolVar(&o.Validation, "validate", o.Validation, "turn on the Vulkan validation layer (slow; for debugging)")
}
