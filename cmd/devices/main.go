// Command devices lists the Vulkan devices and the limits that matter for training.
package main

import (
	"fmt"
	"os"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/spf13/pflag"
)

func main() {
	var opt gpu.Options
	fs := pflag.NewFlagSet("devices", pflag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(os.Stderr, "Usage: devices [--device SEL]\n\nLists Vulkan devices; with --device, opens that one and prints its limits.\n\nExamples:\n  devices\n  devices --device 0\n  devices --device llvmpipe\n\nFlags:\n")
		fs.PrintDefaults()
	}
	opt.RegisterFlags(fs)
	if err := fs.Parse(os.Args[1:]); err != nil {
		if err == pflag.ErrHelp {
			return
		}
		os.Exit(2)
	}
	infos, err := gpu.List()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, in := range infos {
		fmt.Printf("%d: %s\n", in.Index, in)
	}
	d, err := gpu.Open(opt)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer d.Close()
	in := d.Info
	fmt.Printf("\nselected %d: %s\n", in.Index, in.Name)
	fmt.Printf("  device-local memory     %s\n", gpu.Bytes(in.DeviceLocalBytes))
	fmt.Printf("  max buffer / allocation %s / %s (kernels use buffer addresses, so maxStorageBufferRange %s does not bound tensors)\n",
		gpu.Bytes(in.MaxBufferSize), gpu.Bytes(in.MaxMemoryAllocationSize), gpu.Bytes(in.MaxStorageBufferRange))
	fmt.Printf("  workgroups              count %v, size %v, invocations %d, shared %s\n",
		in.MaxWorkgroupCount, in.MaxWorkgroupSize, in.MaxWorkgroupInvocations, gpu.Bytes(int64(in.MaxSharedMemory)))
	fmt.Printf("  subgroup size           %d\n", in.SubgroupSize)
	fmt.Printf("  push constants          %d bytes\n", in.MaxPushConstantsSize)
	fmt.Printf("  timestamps              %v ns/tick\n", in.TimestampPeriodNs)
}
