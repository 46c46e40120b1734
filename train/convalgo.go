package train

import (
	"fmt"
	"maps"
	"sort"
	"strings"

	"github.com/alexnet-vk/alexnet/layers"
	"github.com/alexnet-vk/alexnet/layers/vk"
)

// The conv2d algorithm of each conv layer and pass (direct, Winograd F(2×2,R×R) or F(4×4,3×3),
// layers/vk.ConvAlgos) is decided once, when the net is built: forced by --conv-algo
// direct|winograd|winograd4 (Winograd where the layer allows it, vk.ForcedConvAlgo), taken from
// NetConfig.ConvAlgos (a resumed checkpoint's, or the first replica's or rank 0's choice), or with
// auto timed on the device at ConvTimingImages images.

// ConvTimingImages and ConvTimingColumns set the images auto times a layer's passes at
// (convTimingImages): ConvTimingImages, or as many as give the product ConvTimingColumns output
// positions where its maps are small, never more than the micro-batch. Enough columns to be
// representative of the product kernels' speed (alexnet-small's 6×6 layers at 16 images would be
// timed on half the columns they train on), few enough to keep start-up cheap (a couple of
// seconds for alexnet-tv's conv3–conv5 on lavapipe, timed at 16).
const (
	ConvTimingImages  = 16
	ConvTimingColumns = 2048
)

// convTimingImages returns the images auto times conv geometry p at (its micro-batch p.N at most).
func convTimingImages(p layers.Conv2D) int {
	return min(p.N, max(ConvTimingImages, (ConvTimingColumns+p.OutH()*p.OutW()-1)/(p.OutH()*p.OutW())))
}

// convTimingReps is the fewest timed runs (after one warm-up) each pass and algorithm gets, in
// interleaved rounds, more while they are cheap (vk.Lib.TimeConv); the fastest counts, since a
// shared machine only ever slows a run down.
const convTimingReps = 2

// convMode returns the --conv-algo mode: NetConfig.ConvAlgo, else the device's (gpu.Options, or
// $ALEXNET_CONV_ALGO), else direct: the commands' flag defaults to auto, while a net built by a
// library user or a test that asks for nothing stays deterministic from one process to the next.
func (n *Net) convMode() string {
	m := n.Cfg.ConvAlgo
	if m == "" && n.dev != nil {
		m = n.dev.ConvAlgo
	}
	if m == "" {
		m = string(vk.AlgoDirect)
	}
	return m
}

// winoFloats returns the scratch floats layer i's Winograd passes need for one image and for m
// images (0, 0 when it has none: not a 3×3 or 5×5 stride-1 conv, or --conv-algo direct).
func (n *Net) winoFloats(i, m int) (one, most int) {
	if n.Arch.Layers[i].Kind != Conv || n.convMode() == string(vk.AlgoDirect) {
		return 0, 0
	}
	p := n.convGeom(i, n.inShape(i), 1)
	if !vk.WinogradOK(p) {
		return 0, 0
	}
	return vk.WinogradFloats(p, 1), vk.WinogradFloats(p, m)
}

// convAlgo returns layer i's algorithms (direct before they are chosen).
func (n *Net) convAlgo(i int) vk.ConvAlgos {
	if a, ok := n.convAlgos[n.Arch.Layers[i].Name]; ok {
		return a
	}
	return vk.AllConv(vk.AlgoDirect)
}

// usesWinograd reports whether any pass of layer i runs a Winograd form.
func (n *Net) usesWinograd(i int) bool {
	a := n.convAlgo(i)
	return a.Fwd.WinoTile() > 0 || a.Data.WinoTile() > 0 || a.Filter.WinoTile() > 0
}

// chooseConvAlgos decides every conv layer's algorithms at micro-batch n.Micro (see above).
func (n *Net) chooseConvAlgos() error {
	mode := n.convMode()
	if err := vk.CheckConvAlgoMode(mode); err != nil {
		return err
	}
	n.convAlgos, n.convTimes = map[string]vk.ConvAlgos{}, map[string]vk.ConvTimes{}
	for i, l := range n.Arch.Layers {
		if l.Kind != Conv {
			continue
		}
		p := n.convGeom(i, n.inShape(i), n.Micro)
		a := vk.AllConv(vk.AlgoDirect)
		preset, ok := n.Cfg.ConvAlgos[l.Name]
		switch {
		case !vk.WinogradOK(p) || mode != "auto":
			a = vk.ForcedConvAlgo(mode, p)
		case ok:
			if err := preset.Check(p); err != nil {
				return fmt.Errorf("train: recorded conv algorithm of %s: %v", l.Name, err)
			}
			a = preset
		default:
			q := p
			q.N = convTimingImages(p)
			t, err := n.lib.TimeConv(q, vk.WinogradTiles(p), n.scratchFloats(q.N), convTimingReps, n.Cfg.ForwardOnly)
			if err != nil {
				return err
			}
			a, n.convTimes[l.Name] = t.Faster(), t
		}
		n.convAlgos[l.Name] = a
	}
	return nil
}

// ConvAlgos returns the algorithms each conv layer runs, by layer name (a split net: its first
// tower's, which the others share).
func (n *Net) ConvAlgos() map[string]vk.ConvAlgos {
	if n.split != nil {
		all := map[string]vk.ConvAlgos{}
		for _, seg := range n.split.segs[0] {
			maps.Copy(all, seg.convAlgos)
		}
		return all
	}
	return maps.Clone(n.convAlgos)
}

// ConvTimes returns the timings auto measured, by layer name (empty when nothing was timed).
func (n *Net) ConvTimes() map[string]vk.ConvTimes {
	if n.split != nil {
		all := map[string]vk.ConvTimes{}
		for _, seg := range n.split.segs[0] {
			maps.Copy(all, seg.convTimes)
		}
		return all
	}
	return maps.Clone(n.convTimes)
}

// ConvAlgoReport describes each conv layer's algorithms, and the timings behind them, one line per
// layer that could run Winograd, for the start-up log.
func (n *Net) ConvAlgoReport() []string {
	algos, times := n.ConvAlgos(), n.ConvTimes()
	var lines []string
	for i, l := range n.Arch.Layers {
		a, ok := algos[l.Name]
		if !ok || l.Kind != Conv || !vk.WinogradOK(n.convGeom(i, n.inShape(i), 1)) {
			continue
		}
		line := fmt.Sprintf("%s: %s", l.Name, a)
		if t, ok := times[l.Name]; ok {
			// The columns auto timed: direct, winograd, and winograd4 where measured.
			cols, heads := 2, "direct/winograd"
			if t.Fwd[2] > 0 {
				cols, heads = 3, "direct/winograd/winograd4"
			}
			ms := func(s [3]float64) string {
				parts := make([]string, cols)
				for i := range parts {
					parts[i] = "-" // not timed: a pass of a forward-only net
					if s[i] > 0 {
						parts[i] = fmt.Sprintf("%.1f", s[i]*1e3)
					}
				}
				return strings.Join(parts, "/")
			}
			line += fmt.Sprintf(" (timed at %d images, best of %d, ms %s: fwd %s, data %s, filter %s)",
				t.Images, t.Rounds, heads, ms(t.Fwd), ms(t.Data), ms(t.Filter))
		} else {
			line += " (--conv-algo " + n.convMode() + recordedNote(n.Cfg.ConvAlgos, l.Name) + ")"
		}
		lines = append(lines, line)
	}
	return lines
}

func recordedNote(preset map[string]vk.ConvAlgos, name string) string {
	if _, ok := preset[name]; ok {
		return ", recorded choice"
	}
	return ""
}

// convAlgoCodes is the order agreeConvAlgos sends a layer's passes in; 0 means no choice.
var convAlgoCodes = map[vk.ConvAlgo]int32{vk.AlgoDirect: 1, vk.AlgoWinograd: 2, vk.AlgoWinograd4: 3}

// agreeConvAlgos makes every MPI rank use rank 0's conv algorithms: rank 0 passes its choice,
// the others nil, and all get rank 0's back (an element-wise maximum over the ranks, where the
// others send zeros: a broadcast through the one integer collective Comm has). Every rank calls it
// once, at the same point of building its net.
func agreeConvAlgos(c Comm, a Arch, mine map[string]vk.ConvAlgos) (map[string]vk.ConvAlgos, error) {
	var names []string
	for _, l := range a.Layers {
		if l.Kind == Conv {
			names = append(names, l.Name)
		}
	}
	v := make([]int32, 3*len(names))
	for i, name := range names {
		if x, ok := mine[name]; ok {
			v[3*i], v[3*i+1], v[3*i+2] = convAlgoCodes[x.Fwd], convAlgoCodes[x.Data], convAlgoCodes[x.Filter]
		}
	}
	if len(v) == 0 {
		return nil, nil
	}
	if err := c.MaxI32(v); err != nil {
		return nil, fmt.Errorf("train: agreeing on the conv algorithms over the ranks: %w", err)
	}
	of := func(code int32) vk.ConvAlgo {
		for k, c := range convAlgoCodes {
			if c == code {
				return k
			}
		}
		return ""
	}
	out := map[string]vk.ConvAlgos{}
	for i, name := range names {
		if v[3*i] != 0 {
			out[name] = vk.ConvAlgos{Fwd: of(v[3*i]), Data: of(v[3*i+1]), Filter: of(v[3*i+2])}
		}
	}
	return out, nil
}

// FormatConvAlgos is algos on one line, by layer name: "conv3: fwd winograd, data …; conv4: …".
func FormatConvAlgos(algos map[string]vk.ConvAlgos) string {
	names := make([]string, 0, len(algos))
	for k := range algos {
		names = append(names, k)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = k + ": " + algos[k].String()
	}
	return strings.Join(parts, "; ")
}

// withPresets returns cfg with preset added to its ConvAlgos (cfg's own entries win).
func withPresets(cfg NetConfig, preset map[string]vk.ConvAlgos) NetConfig {
	all := maps.Clone(preset)
	if all == nil {
		all = map[string]vk.ConvAlgos{}
	}
	maps.Copy(all, cfg.ConvAlgos)
	cfg.ConvAlgos = all
	return cfg
}
