package main

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/alexnet-vk/alexnet/train"
)

func TestSplitLabel(t *testing.T) {
	for _, c := range []struct{ label, layer, dir, kernel string }{
		{"conv1.fwd:gemm", "conv1", "fwd", "gemm"},
		{"fc8.bwd:bias_grad", "fc8", "bwd", "bias_grad"},
		{"loss:softmaxce_loss", "loss", "", "softmaxce_loss"},
		{"sgd:copy", "sgd", "", "copy"},
		{"fill", "io", "", "fill"},
		{"a.b.fwd:k", "a.b", "fwd", "k"},
		{"x.y:k", "x.y", "", "k"},
	} {
		l, d, k := splitLabel(c.label)
		if l != c.layer || d != c.dir || k != c.kernel {
			t.Errorf("splitLabel(%q) = %q %q %q, want %q %q %q", c.label, l, d, k, c.layer, c.dir, c.kernel)
		}
	}
}

// The per-layer FLOPs add up to the architecture's forward cost; backward is twice forward except for
// the first layer, which has no input gradient.
func TestLayerFLOPs(t *testing.T) {
	for _, name := range train.Names() {
		a, err := train.Get(name, 1000, 3, 0)
		if err != nil {
			t.Fatal(err)
		}
		fwd, bwd := layerFLOPs(a, 3)
		forward, step := trainFLOPs(a, 3)
		first := a.Layers[0].Name
		if forward != 3*float64(a.FLOPs()) || step != 3*forward-fwd[first] || bwd[first] != fwd[first] || bwd["fc7"] != 2*fwd["fc7"] {
			t.Errorf("%s: forward %g (arch says %d per image), step %g, %s fwd %g bwd %g", name, forward, a.FLOPs(), step, first, fwd[first], bwd[first])
		}
	}
}

// Rows get the layer's FLOPs when one matmul kernel does them, and shares of the summed device time.
func TestBreakdown(t *testing.T) {
	a, err := train.Get("alexnet-small", 10, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	ms := time.Millisecond
	kt := []train.KernelTime{
		{Label: "conv2.fwd:gemm", D: 40 * ms, Count: 1},
		{Label: "conv2.bwd:gemm", D: 20 * ms, Count: 2},
		{Label: "conv2.bwd:gemm_narrow", D: 10 * ms, Count: 1},
		{Label: "conv2.bwd:gemm_reduce", D: 5 * ms, Count: 1},
		{Label: "conv2.fwd:im2col", D: 10 * ms, Count: 1},
		{Label: "sgd:sgd_update", D: 10 * ms, Count: 2},
		{Label: "fill", D: 5 * ms, Count: 1},
	}
	p := breakdown(a, 8, kt, 0.2)
	fwd, bwd := layerFLOPs(a, 8)
	if p.DeviceMs != 100 || p.WallMs != 200 || p.Commands != 9 || p.Truncated || math.Abs(p.SharesTotal-100) > 1e-9 {
		t.Fatalf("totals %+v", p)
	}
	want := map[string]float64{
		"conv2.fwd:gemm":        fwd["conv2"] / 0.040 / 1e9, // conv2's forward is this kernel's alone
		"conv2.bwd:gemm":        0,                          // two matmul kernels share conv2's backward
		"conv2.bwd:gemm_narrow": 0,
		"conv2.bwd:gemm_reduce": 0,
		"conv2.fwd:im2col":      0,
		"sgd:sgd_update":        0,
		"fill":                  0,
	}
	for _, k := range p.Kernels {
		if math.Abs(k.GFLOPs-want[k.Label]) > 1e-9*want[k.Label] {
			t.Errorf("%s: %g GFLOP/s, want %g", k.Label, k.GFLOPs, want[k.Label])
		}
	}
	var order []string
	for _, l := range p.Layers {
		order = append(order, l.Layer+"."+l.Dir)
	}
	if got := strings.Join(order, " "); got != "io. conv2.fwd conv2.bwd sgd." {
		t.Errorf("layer order %q", got)
	}
	if l := p.Layers[2]; l.SharePct != 35 || math.Abs(l.GFLOPs-bwd["conv2"]/0.035/1e9) > 1e-6 {
		t.Errorf("conv2.bwd row %+v", l)
	}
	if p := breakdown(a, 8, []train.KernelTime{{Label: "x", D: ms, Count: timestampsReserved - 1}}, 1); !p.Truncated {
		t.Errorf("a step that used every timestamp is not marked truncated")
	}
}
