package vk

import (
	"strings"
	"testing"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/spf13/pflag"
)

// --kernels names every variant in its help, defaults to $ALEXNET_KERNELS (else auto), and the
// command line overrides the variable.
func TestKernelsFlag(t *testing.T) {
	parse := func(env string, args ...string) (gpu.Options, string) {
		t.Setenv("ALEXNET_KERNELS", env)
		var o gpu.Options
		fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
		o.RegisterFlags(fs)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		return o, fs.Lookup("kernels").Usage
	}
	o, usage := parse("")
	for _, n := range VariantNames() {
		if !strings.Contains(usage, n) {
			t.Errorf("--kernels help %q does not name variant %q", usage, n)
		}
	}
	if o.Kernels != "auto" {
		t.Errorf("default %q, want auto", o.Kernels)
	}
	if o, _ := parse("portable"); o.Kernels != "portable" {
		t.Errorf("with ALEXNET_KERNELS=portable: %q", o.Kernels)
	}
	if o, _ := parse("portable", "--kernels", "tile"); o.Kernels != "tile" {
		t.Errorf("--kernels tile with ALEXNET_KERNELS=portable: %q", o.Kernels)
	}
}
