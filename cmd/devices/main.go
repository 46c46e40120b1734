// Command devices lists the Vulkan devices, the limits that matter for training, and which variant
// of each product kernel the kernel library picks on each device, and why.
package main

import (
	"fmt"
	"os"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers/vk"
	"github.com/spf13/pflag"
)

func main() {
	var opt gpu.Options
	fs := pflag.NewFlagSet("devices", pflag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(os.Stderr, "Usage: devices [--device SEL] [--kernels VARIANT]\n\nLists Vulkan devices and the kernel variant each product uses on each; then opens the\nselected device and prints its limits.\n\nExamples:\n  devices\n  devices --device 0\n  devices --device llvmpipe --kernels portable\n\nFlags:\n")
		fs.PrintDefaults()
	}
	opt.RegisterFlags(fs)
	if err := fs.Parse(os.Args[1:]); err != nil {
		if err == pflag.ErrHelp {
			return
		}
		os.Exit(2)
	}
	// Open first: it applies --vector-width, which lavapipe reads once per process, so the list
	// shows the devices as this run will use them.
	d, openErr := gpu.Open(opt)
	infos, err := gpu.List()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, in := range infos {
		fmt.Printf("%d: %s\n", in.Index, in)
		printChoice(in, opt.Kernels)
	}
	if openErr != nil {
		fmt.Fprintln(os.Stderr, openErr)
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
	fmt.Printf("  subgroups               size %d (range %d..%d), operations %s, full subgroups %v\n",
		in.SubgroupSize, in.MinSubgroupSize, in.MaxSubgroupSize, gpu.SubgroupOpNames(in.SubgroupOps), in.FullSubgroups)
	fmt.Printf("  push constants          %d bytes\n", in.MaxPushConstantsSize)
	fmt.Printf("  timestamps              %v ns/tick\n", in.TimestampPeriodNs)
	if note := gpu.LavapipeThreadsNote(); note != "" {
		fmt.Printf("  lavapipe threads        %s\n", note)
	}
	lib, err := vk.New(d)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	lib.Free()
	fmt.Printf("  kernels                 all compiled (--kernels %s)\n", opt.Kernels)
}

// printChoice prints the variant each product kernel uses on a device, and why.
func printChoice(in gpu.Info, kernels string) {
	ch, err := vk.Choose(in, kernels)
	if err != nil {
		fmt.Printf("   kernels: %v\n", err)
		return
	}
	for _, pc := range ch.Products {
		fmt.Printf("   %s kernels (%s): %s, %s\n", pc.Product, pc.Product.Uses(), pc.Variant.Name, pc.Variant.Doc)
		fmt.Printf("      why: %s\n", pc.Why)
		for _, s := range pc.Skipped {
			fmt.Printf("      passed over: %s\n", s)
		}
	}
}
