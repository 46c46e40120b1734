package vk

import (
	"strings"
	"testing"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers"
	"github.com/alexnet-vk/alexnet/layers/layerstest"
)

// A device whose type is a GPU gets the GPU-shaped variant of both products, no k blocking for a
// CPU's L2 (Panel 0), and split-K sized for many compute units: this device, its type reported as
// discrete for the choice, runs a backward-filter-shaped product and a convolution through it.
func TestGPUTypeGetsGPUVariant(t *testing.T) {
	d, _ := setup(t)
	info := d.Info
	info.Type = "discrete"
	l, err := newLib(d, info, "auto")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Free()
	want := "gpu"
	if _, err := Choose(info, "gpu"); err != nil {
		want = "gpu-small" // a device below the gpu tile's needs (none of our drivers)
	}
	for _, p := range products {
		if v := l.Choice.Of(p); v.Name != want {
			t.Fatalf("%s: a discrete GPU with %s's properties got %s, want %s", p, d.Info.Name, v.Name, want)
		}
	}
	if l.Panel != 0 {
		t.Fatalf("Panel = %d on a GPU, want 0 (no k blocking)", l.Panel)
	}
	// conv backward-filter's layout: A = dy [k1][m][k2], B = columns [k1][n][k2], C = dw [m][n].
	g := Gemm{M: 40, N: 150, K1: 24, K2: 37, ND: 150, Z: 1, SAm: 37, SAk1: 40 * 37, SAk2: 1,
		SBk1: 150 * 37, SBk2: 1, SBn2: 37, SCm: 150, SCn2: 1, Accumulate: true}
	g.Splits = l.splitsFor(g)
	cpuChoice, err := Choose(lavapipeLike(), "auto")
	if err != nil {
		t.Fatal(err)
	}
	if cpu := (&Lib{Choice: cpuChoice}).splitsFor(g); g.Splits != g.K1 || cpu >= g.K1 {
		t.Fatalf("split-K: %d splits on a GPU, %d on a CPU device; want all %d k1 on the GPU, fewer on the CPU", g.Splits, cpu, g.K1)
	}
	na, nb, nc, _ := g.span()
	a, b, c0 := layerstest.Rand(na, 1), layerstest.Rand(nb, 2), layerstest.Rand(nc, 3)
	wantC := f64(c0)
	gemmRef(wantC, f64(a), f64(b), nil, g)
	checkGemm(t, d, l, g, a, b, nil, c0, wantC)
	if got, want := strings.Join(dispatched(t, d, l, g), " "), l.Choice.Of(ProductGemm).Kernels[ProductGemm][0]+" gemm_reduce"; got != want {
		t.Fatalf("dispatched %s, want %s", got, want)
	}

	// A linear layer's forward at a small batch has few tiles: split-K with the bias and ReLU
	// applied by the reduce pass.
	fc := plainGemm(8, 200, 2048, 1)
	fc.Bias, fc.ReLU = ColBias, true
	noBias := fc // dispatched passes no bias
	noBias.Bias = NoBias
	if got, want := strings.Join(dispatched(t, d, l, noBias), " "), l.Choice.Of(ProductGemm).Kernels[ProductGemm][0]+" gemm_reduce"; got != want {
		t.Fatalf("linear-shaped product dispatched %s, want %s", got, want)
	}
	na, nb, nc, nbias := fc.span()
	a, b, bias := layerstest.Rand(na, 6), layerstest.Rand(nb, 7), layerstest.Rand(nbias, 8)
	wantC = make([]float64, nc)
	gemmRef(wantC, f64(a), f64(b), f64(bias), fc)
	checkGemm(t, d, l, fc, a, b, bias, make([]float32, nc), wantC)

	p := layers.Conv2D{N: 2, C: 5, H: 17, W: 17, K: 20, R: 3, S: 3, Stride: 1, Pad: 1, Groups: 1}
	x, w := layerstest.Rand(p.N*p.C*p.H*p.W, 4), layerstest.Rand(p.K*p.C*9, 5)
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
	if k := l.Choice.Of(ProductConv).Kernels[ProductConv][0]; !strings.Contains(strings.Join(s.Log, " ")+" ", "dispatch "+k+" ") {
		t.Fatalf("recorded %v, want %s", s.Log, k)
	}
	atol, rtol := convTol(45)
	compare(t, "y", ty.floats(), f32(wantY), atol, rtol, []int{p.N, p.K, p.OutH(), p.OutW()})
}

// The GPU-shaped kernels need what their tiles say (invocations = outputs / 64, shared memory = two
// k slices of both operands' tiles) and no subgroup operations, so SwiftShader (256 invocations,
// 32 KiB, subgroups of 4) runs both variants when forced, and a device at Vulkan's minimum
// (128 invocations, 16 KiB) runs gpu-small.
func TestGPUVariantsNeeds(t *testing.T) {
	for _, c := range []struct {
		kernel             string
		invocations, bytes int
	}{
		{"gemm_gpu", 256, 16 << 10}, {"gemm_narrow_gpu", 64, 10 << 10},
		{"conv2d_fwd_gpu", 256, 16 << 10}, {"conv2d_fwd_narrow_gpu", 64, 10 << 10},
		{"gemm_gpu_small", 64, 8 << 10}, {"gemm_narrow_gpu_small", 32, 6 << 10},
		{"conv2d_fwd_gpu_small", 64, 8 << 10}, {"conv2d_fwd_narrow_gpu_small", 32, 6 << 10},
	} {
		n, err := registry[c.kernel].needs()
		if err != nil {
			t.Fatal(err)
		}
		if n.Invocations() != c.invocations || n.SharedBytes != c.bytes || n.SubgroupOps != 0 || n.MinSubgroup != 0 || n.FullSubgroups {
			t.Errorf("%s needs %d invocations, %d B shared, subgroup ops %#x, min subgroup %d, full %v; want %d, %d, none",
				c.kernel, n.Invocations(), n.SharedBytes, n.SubgroupOps, n.MinSubgroup, n.FullSubgroups, c.invocations, c.bytes)
		}
	}
	minimum := lavapipeLike()
	minimum.Name, minimum.Type, minimum.MaxWorkgroupInvocations, minimum.MaxSharedMemory = "minimum", "discrete", 128, 16<<10
	minimum.MaxWorkgroupSize = [3]int{128, 128, 64}
	for _, c := range []struct {
		info gpu.Info
		name string
	}{{swiftshaderLike(), "gpu"}, {swiftshaderLike(), "gpu-small"}, {minimum, "gpu-small"}} {
		if _, err := Choose(c.info, c.name); err != nil {
			t.Errorf("%s forced on %s: %v", c.name, c.info.Name, err)
		}
	}
}
