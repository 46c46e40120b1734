package vk

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/gpu/gputest"
	"github.com/alexnet-vk/alexnet/layers"
	"github.com/alexnet-vk/alexnet/layers/layerstest"
)

// variantLib is a Lib with one variant forced.
type variantLib struct {
	name string
	lib  *Lib
}

var (
	variantOnce sync.Once
	variantLibs []variantLib
	variantErr  error
)

// everyVariant returns a Lib for each variant this device runs, each forced, so the product tests
// cover every variant on every machine; the variants the device cannot run are logged with why.
func everyVariant(t testing.TB) []variantLib {
	t.Helper()
	d, _ := setup(t)
	variantOnce.Do(func() {
		for _, v := range variants {
			if _, err := Choose(d.Info, v.Name); err != nil {
				t.Logf("variant %s does not run on %s: %v", v.Name, d.Info.Name, err)
				continue
			}
			l, err := newLib(d, d.Info, v.Name)
			if err != nil {
				variantErr = err
				return
			}
			variantLibs = append(variantLibs, variantLib{v.Name, l})
			gputest.AtExit(l.Free)
		}
		if len(variantLibs) == 0 {
			variantErr = fmt.Errorf("no kernel variant runs on %s", d.Info.Name)
		}
	})
	if variantErr != nil {
		t.Fatal(variantErr)
	}
	return variantLibs
}

// lavapipeLike, swiftshaderLike: the properties that matter of lavapipe at 512-bit vectors and of
// SwiftShader, as bin/devices shows them.
func lavapipeLike() gpu.Info {
	return gpu.Info{Name: "llvmpipe (LLVM 15.0.6, 256 bits)", Type: "cpu", MaxPushConstantsSize: 256,
		MaxWorkgroupSize: [3]int{1024, 1024, 1024}, MaxWorkgroupInvocations: 1024, MaxSharedMemory: 64 << 10,
		SubgroupSize: 16, SubgroupOps: 0xff, SubgroupStages: 0x3f, MinSubgroupSize: 16, MaxSubgroupSize: 16,
		FullSubgroups: true}
}

func swiftshaderLike() gpu.Info {
	i := lavapipeLike()
	i.Name, i.SubgroupSize, i.MinSubgroupSize, i.MaxSubgroupSize = "SwiftShader Device (Subzero)", 4, 4, 4
	i.MaxWorkgroupInvocations, i.MaxPushConstantsSize, i.MaxSharedMemory = 256, 128, 32<<10
	return i
}

// The automatic choice follows device properties: the subgroup tile where its needs are met, the
// portable tile wherever one is not; a forced variant the device cannot run, or a device that
// runs no variant, is an error naming the device, the limit and the kernel.
func TestChooseByProperties(t *testing.T) {
	mod := func(f func(*gpu.Info)) gpu.Info { i := lavapipeLike(); f(&i); return i }
	for _, c := range []struct {
		name, want, skipped string
		info                gpu.Info
	}{
		{"lavapipe 512-bit", "tile", "", lavapipeLike()},
		{"lavapipe 256-bit", "tile", "", mod(func(i *gpu.Info) { i.SubgroupSize = 8 })},
		{"lavapipe passes over the GPU tiles", "tile", "gpu: device type cpu: the shared-memory tiles are for GPUs", lavapipeLike()},
		{"discrete GPU, subgroups of 32", "gpu", "", mod(func(i *gpu.Info) { i.SubgroupSize, i.Type = 32, "discrete" })},
		{"integrated GPU, subgroups of 64", "gpu", "", mod(func(i *gpu.Info) { i.SubgroupSize, i.Type = 64, "integrated" })},
		{"virtual GPU, subgroups of 4", "gpu", "", mod(func(i *gpu.Info) { i.SubgroupSize, i.Type = 4, "virtual" })},
		{"device type other", "tile", "gpu: device type other", mod(func(i *gpu.Info) { i.Type = "other" })},
		{"GPU at Vulkan's minimum workgroup", "gpu-small", "maxComputeWorkGroupInvocations is 128, the kernel's workgroup has 256",
			mod(func(i *gpu.Info) { i.Type, i.MaxWorkgroupInvocations = "discrete", 128 })},
		{"GPU with 12 KiB of shared memory", "gpu-small", "maxComputeSharedMemorySize is 12288 bytes, the kernel declares 16384",
			mod(func(i *gpu.Info) { i.Type, i.MaxSharedMemory = "discrete", 12<<10 })},
		{"GPU with 4 KiB of shared memory", "tile", "maxComputeSharedMemorySize is 4096 bytes, the kernel declares 8192",
			mod(func(i *gpu.Info) { i.Type, i.MaxSharedMemory = "discrete", 4<<10 })},
		{"SwiftShader", "portable", `cannot run on device "SwiftShader Device (Subzero)": subgroup size 4, the kernel needs at least 8`, swiftshaderLike()},
		{"Vulkan 1.2: no full subgroups", "portable", "cannot require full subgroups", mod(func(i *gpu.Info) { i.FullSubgroups = false })},
		{"no ballot", "portable", "subgroup operations ballot are not supported", mod(func(i *gpu.Info) { i.SubgroupOps = 0x1 })},
		{"no subgroups in compute", "portable", "no subgroup operations in compute shaders", mod(func(i *gpu.Info) { i.SubgroupStages = 0x10 })},
		{"subgroups of 128", "portable", "subgroup size 128 does not divide the kernel's workgroup width 64", mod(func(i *gpu.Info) { i.SubgroupSize = 128 })},
	} {
		ch, err := Choose(c.info, "auto")
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		for _, pc := range ch.Products {
			if pc.Variant.Name != c.want {
				t.Errorf("%s: %s got %s, want %s (skipped %v)", c.name, pc.Product, pc.Variant.Name, c.want, pc.Skipped)
			}
			if c.skipped != "" && !strings.Contains(strings.Join(pc.Skipped, "; "), c.skipped) {
				t.Errorf("%s: %s skipped %q, want a reason containing %q", c.name, pc.Product, pc.Skipped, c.skipped)
			}
		}
	}
	errCases := []struct {
		name, kernels, want string
		info                gpu.Info
	}{
		{"tile forced on SwiftShader", "tile", `kernel variant "tile" was forced (--kernels or ALEXNET_KERNELS) but kernel "gemm" cannot run on device "SwiftShader Device (Subzero)": subgroup size 4, the kernel needs at least 8`, swiftshaderLike()},
		{"unknown variant", "fast", `"fast": no such kernel variant (want one of auto, gpu, gpu-small, tile, portable`, lavapipeLike()},
		{"gpu forced at Vulkan's minimum workgroup", "gpu", `kernel variant "gpu" was forced (--kernels or ALEXNET_KERNELS) but kernel "gemm_gpu" cannot run on device "min": maxComputeWorkGroupInvocations is 128, the kernel's workgroup has 256`,
			mod(func(i *gpu.Info) { i.Name, i.Type, i.MaxWorkgroupInvocations = "min", "discrete", 128 })},
		{"no variant fits", "auto", `no variant of the gemm kernels runs on device "tiny": gpu: kernel "gemm_gpu" cannot run on device "tiny": maxComputeSharedMemorySize is 800 bytes, the kernel declares 16384; gpu-small: kernel "gemm_gpu_small" cannot run on device "tiny": maxComputeSharedMemorySize is 800 bytes, the kernel declares 8192; tile: kernel "gemm" cannot run on device "tiny": subgroup size 4, the kernel needs at least 8; portable: kernel "gemm_portable" cannot run on device "tiny": maxComputeSharedMemorySize is 800 bytes, the kernel declares 1024`,
			mod(func(i *gpu.Info) { i.Name, i.SubgroupSize, i.MaxSharedMemory = "tiny", 4, 800 })},
		{"a layer kernel does not fit", "auto", `kernel "avgpool_bwd" cannot run on device "narrow": maxComputeWorkGroupInvocations is 32, the kernel's workgroup has 64`,
			mod(func(i *gpu.Info) { i.Name, i.MaxWorkgroupInvocations = "narrow", 32 })},
		{"portable's shared memory", "portable", `kernel "gemm_portable" cannot run on device "small": maxComputeSharedMemorySize is 1000 bytes, the kernel declares 1024`,
			mod(func(i *gpu.Info) { i.Name, i.MaxSharedMemory = "small", 1000 })},
	}
	for _, c := range errCases {
		if _, err := Choose(c.info, c.kernels); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want one containing %q", c.name, err, c.want)
		}
	}
}

// A device whose subgroups are smaller than the tile needs gets the portable variant: this device,
// with its subgroup size lowered to 4 for the choice, runs a gemm and a convolution through it.
func TestSmallSubgroupsGetPortable(t *testing.T) {
	d, _ := setup(t)
	info := d.Info
	info.SubgroupSize, info.MinSubgroupSize, info.MaxSubgroupSize = 4, 4, 4
	l, err := newLib(d, info, "auto")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Free()
	for _, p := range products {
		if v := l.Choice.Of(p); v.Name != "portable" {
			t.Fatalf("%s: chose %s with subgroups of 4, want portable", p, v.Name)
		}
	}
	if _, ok := l.k["gemm"]; ok {
		t.Fatal("the tile kernels were compiled although not chosen")
	}
	g := plainGemm(37, 700, 45, 2)
	na, nb, nc, _ := g.span()
	a, b := layerstest.Rand(na, 1), layerstest.Rand(nb, 2)
	want := make([]float64, nc)
	gemmRef(want, f64(a), f64(b), nil, g)
	ta, tb, tc := in(t, d, a), in(t, d, b), out(t, d, nc)
	record(t, d, func(s *gpu.Seq) { l.Gemm(s, tc.Arg(), ta.Arg(), tb.Arg(), nil, g) })
	atol, rtol := gemmTol(45)
	compare(t, "C", tc.floats(), f32(want), atol, rtol, []int{2, 37, 700})
	if got := strings.Join(dispatched(t, d, l, g), " "); !strings.Contains(got, "gemm_portable") {
		t.Fatalf("dispatched %s, want gemm_portable", got)
	}
	p := layers.Conv2D{N: 2, C: 5, H: 11, W: 11, K: 20, R: 3, S: 3, Stride: 1, Pad: 1, Groups: 1}
	x, w := layerstest.Rand(p.N*p.C*p.H*p.W, 3), layerstest.Rand(p.K*p.C*9, 4)
	ny := p.N * p.K * p.OutH() * p.OutW()
	wantY := make([]float64, ny)
	layers.Conv2DForward(wantY, f64(x), f64(w), nil, p)
	tx, tw, ty := in(t, d, x), in(t, d, w), out(t, d, ny)
	scratch, err := d.NewBuffer("scratch", int64(p.N*ColFloats(p))*4, gpu.DeviceMemory)
	if err != nil {
		t.Fatal(err)
	}
	defer scratch.Free()
	s := recorded(t, d, func(s *gpu.Seq) { l.Conv2DForward(s, ty.Arg(), tx.Arg(), tw.Arg(), nil, p, false, scratch) })
	run(t, s)
	if !strings.Contains(strings.Join(s.Log, " "), "dispatch conv2d_fwd_portable") {
		t.Fatalf("recorded %v, want conv2d_fwd_portable", s.Log)
	}
	atol, rtol = convTol(45)
	compare(t, "y", ty.floats(), f32(wantY), atol, rtol, []int{p.N, p.K, p.OutH(), p.OutW()})
}

// dispatched returns the kernels l records for g.
func dispatched(t testing.TB, d *gpu.Device, l *Lib, g Gemm) []string {
	na, nb, nc, _ := g.span()
	ta, tb, tc := in(t, d, make([]float32, na)), in(t, d, make([]float32, nb)), out(t, d, nc)
	s := recorded(t, d, func(s *gpu.Seq) { l.Gemm(s, tc.Arg(), ta.Arg(), tb.Arg(), nil, g) })
	var ks []string
	for _, e := range s.Log {
		if k, ok := strings.CutPrefix(e, "dispatch "); ok {
			ks = append(ks, k)
		}
	}
	return ks
}
