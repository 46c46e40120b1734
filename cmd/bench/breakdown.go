package main

import (
	"sort"
	"strings"
	"time"

	"github.com/alexnet-vk/alexnet/train"
)

// timestampsReserved is how many timestamp queries train.NewNet reserves for a profiled step; a step
// with more commands loses its tail.
const timestampsReserved = 4096

// layerFLOPs returns the floating-point operations (2 per multiply-add) of each conv and linear layer
// for batch samples: forward, and backward (weight gradient, plus the input gradient except for the
// first layer, whose input needs none).
func layerFLOPs(a train.Arch, batch int) (fwd, bwd map[string]float64) {
	shapes, _ := a.Shapes()
	fwd, bwd = map[string]float64{}, map[string]float64{}
	in := a.In
	for i, l := range a.Layers {
		var f float64
		switch l.Kind {
		case train.Conv:
			f = 2 * float64(shapes[i].Size()) * float64(in.C/l.Groups*l.Kernel*l.Kernel)
		case train.Linear:
			f = 2 * float64(shapes[i].C) * float64(in.Size())
		}
		if f > 0 {
			f *= float64(batch)
			fwd[l.Name] = f
			bwd[l.Name] = f
			if i > 0 {
				bwd[l.Name] += f
			}
		}
		in = shapes[i]
	}
	return fwd, bwd
}

// trainFLOPs returns the forward FLOPs of batch samples and those of a whole training step.
func trainFLOPs(a train.Arch, batch int) (forward, step float64) {
	fwd, bwd := layerFLOPs(a, batch)
	for k, f := range fwd {
		forward += f
		step += f + bwd[k]
	}
	return forward, step
}

// splitLabel parses a profile label "<layer>.<fwd|bwd>:<kernel>", "loss:<kernel>", "sgd:<kernel>" or
// a bare command name recorded before the first layer ("copy", "fill": the step's input and setup).
func splitLabel(label string) (layer, dir, kernel string) {
	tag, kernel, ok := strings.Cut(label, ":")
	if !ok {
		return "io", "", label
	}
	if i := strings.LastIndexByte(tag, '.'); i >= 0 && (tag[i+1:] == "fwd" || tag[i+1:] == "bwd") {
		return tag[:i], tag[i+1:], kernel
	}
	return tag, "", kernel
}

// isMatmul reports whether a kernel does a layer's multiply-adds (the GEMM family, not its split-K
// reduction), so the layer's FLOPs can be put on it.
func isMatmul(kernel string) bool {
	return (strings.HasPrefix(kernel, "gemm") || strings.HasPrefix(kernel, "conv2d") || strings.HasPrefix(kernel, "linear")) &&
		!strings.Contains(kernel, "reduce")
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

// breakdown turns the per-label device times of one step into per-kernel and per-layer rows with
// shares of the step's device time and GFLOP/s where the layer geometry gives FLOPs.
func breakdown(a train.Arch, batch int, kt []train.KernelTime, wallSec float64) *Profile {
	fwd, bwd := layerFLOPs(a, batch)
	flops := func(layer, dir string) float64 {
		switch dir {
		case "fwd":
			return fwd[layer]
		case "bwd":
			return bwd[layer]
		}
		return 0
	}
	p := &Profile{WallMs: wallSec * 1e3}
	var total time.Duration
	for _, k := range kt {
		total += k.D
		p.Commands += k.Count
	}
	p.DeviceMs = ms(total)
	p.Truncated = p.Commands+1 >= timestampsReserved
	share := func(d time.Duration) float64 {
		if total == 0 {
			return 0
		}
		return 100 * float64(d) / float64(total)
	}
	layerTime := map[phase]time.Duration{}
	matmuls := map[phase]int{}
	for _, k := range kt {
		l, d, kn := splitLabel(k.Label)
		layerTime[phase{l, d}] += k.D
		if isMatmul(kn) {
			matmuls[phase{l, d}]++
		}
	}
	for _, k := range kt {
		l, d, kn := splitLabel(k.Label)
		row := Kernel{Label: k.Label, Layer: l, Dir: d, Kernel: kn, Count: k.Count, Ms: ms(k.D), SharePct: share(k.D)}
		if f := flops(l, d); f > 0 && isMatmul(kn) && matmuls[phase{l, d}] == 1 && k.D > 0 {
			row.GFLOPs = f / k.D.Seconds() / 1e9
		}
		p.Kernels = append(p.Kernels, row)
		p.SharesTotal += row.SharePct
	}
	for _, k := range stepOrder(a, layerTime) {
		d := layerTime[k]
		row := LayerTime{Layer: k.layer, Dir: k.dir, Ms: ms(d), SharePct: share(d)}
		if f := flops(k.layer, k.dir); f > 0 {
			row.GFLOP = f / 1e9
			if d > 0 {
				row.GFLOPs = f / d.Seconds() / 1e9
			}
		}
		p.Layers = append(p.Layers, row)
	}
	return p
}

// phase is one layer and direction of the step ("conv1", "fwd"), or a phase without one ("loss").
type phase struct{ layer, dir string }

// stepOrder lists the phases in the order the step runs them: input, forward layers, loss, backward
// layers in reverse, SGD, then anything else by name.
func stepOrder(a train.Arch, have map[phase]time.Duration) []phase {
	want := []phase{{"io", ""}}
	for _, l := range a.Layers {
		want = append(want, phase{l.Name, "fwd"})
	}
	want = append(want, phase{"loss", ""})
	for i := len(a.Layers) - 1; i >= 0; i-- {
		want = append(want, phase{a.Layers[i].Name, "bwd"})
	}
	want = append(want, phase{"sgd", ""})
	seen := map[phase]bool{}
	var out []phase
	for _, k := range want {
		if _, ok := have[k]; ok && !seen[k] {
			out = append(out, k)
			seen[k] = true
		}
	}
	var rest []phase
	for k := range have {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Slice(rest, func(i, j int) bool { return rest[i].layer+"."+rest[i].dir < rest[j].layer+"."+rest[j].dir })
	return append(out, rest...)
}
