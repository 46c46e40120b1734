package train

import (
	"fmt"
	"math"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/gpu/gputest"
	"github.com/alexnet-vk/alexnet/layers"
	"github.com/alexnet-vk/alexnet/layers/layerstest"
	"github.com/alexnet-vk/alexnet/layers/vk"
)

var (
	secondOnce sync.Once
	second     *gpu.Device
	secondLib  *vk.Lib
	secondErr  error
)

// twoDevices returns the shared test device and a second one: the same physical device opened again
// when there is only one (lavapipe), as the multi-device code would use two GPUs.
func twoDevices(t *testing.T) Placement {
	t.Helper()
	d, l := setup(t)
	secondOnce.Do(func() {
		second, secondErr = gpu.Open(gpu.Options{Validation: true, Device: os.Getenv("ALEXNET_DEVICE"), AppName: "alexnet-test-2"})
		if secondErr == nil {
			if secondLib, secondErr = vk.New(second); secondErr == nil {
				gputest.AtExit(func() { secondLib.Free(); second.Close() })
			}
		}
	})
	if secondErr != nil {
		t.Fatalf("opening a second device: %v", secondErr)
	}
	before := len(second.Messages())
	t.Cleanup(func() {
		for _, m := range second.Messages()[before:] {
			t.Errorf("validation (second device): %s", m)
		}
	})
	return Placement{Devices: []*gpu.Device{d, second}, Libs: []*vk.Lib{l, secondLib}}
}

// relErr is max|got−want| / max|want| over a tensor: the error relative to the tensor's scale.
func relErr(got, want []float32) float64 {
	var d, m float64
	for i := range want {
		d = math.Max(d, math.Abs(float64(got[i])-float64(want[i])))
		m = math.Max(m, math.Abs(float64(want[i])))
	}
	if m == 0 {
		return d
	}
	return d / m
}

// sameParams fails t when a tensor of the two nets (weights and momenta) differs by more than tol
// relative to its scale, and returns the largest error seen.
func sameParams(t *testing.T, got, want *Net, tol float64) float64 {
	t.Helper()
	gw, gv, err := got.Weights()
	if err != nil {
		t.Fatal(err)
	}
	ww, wv, err := want.Weights()
	if err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for i, p := range want.Params {
		for _, c := range []struct {
			what string
			g, w []float32
		}{{"", gw[i], ww[i]}, {"momentum of ", gv[i], wv[i]}} {
			e := relErr(c.g, c.w)
			worst = math.Max(worst, e)
			if !(e <= tol) {
				t.Errorf("%s%s: relative error %.3g, want ≤ %g", c.what, p.Name, e, tol)
			}
		}
	}
	return worst
}

// trainBoth runs steps SGD steps of the same batches on two nets and checks their losses agree.
func trainBoth(t *testing.T, a Arch, got, want *Net, batch, steps int) {
	t.Helper()
	for _, n := range []*Net{got, want} {
		n.SetHyper(0.05, 0.9, 5e-4)
	}
	for step := 0; step < steps; step++ {
		x, labels := batchData(a, batch, uint64(step+1))
		sg, err := got.TrainStep(x, labels)
		if err != nil {
			t.Fatal(err)
		}
		sw, err := want.TrainStep(x, labels)
		if err != nil {
			t.Fatal(err)
		}
		if sg.N != sw.N || math.Abs(sg.Loss-sw.Loss) > 1e-5*math.Abs(sw.Loss) || sg.Top1 != sw.Top1 || sg.Top5 != sw.Top5 {
			t.Fatalf("step %d: %+v, one device %+v", step, sg, sw)
		}
	}
}

// Two devices in one process, each training half the batch, equal one device training all of it:
// the same masks, the same summed gradients, the same updates.
func TestReplicasEqualOneDevice(t *testing.T) {
	for _, staged := range []bool{false, true} {
		t.Run(fmt.Sprintf("staging=%v", staged), func(t *testing.T) {
			forceStaging = staged
			defer func() { forceStaging = false }()
			p := twoDevices(t)
			a := tiny()
			cfg := NetConfig{Batch: 7, Seed: 5, Dropout: -1} // 7: the devices take 3 and 4
			one, err := NewNet(p.Devices[0], p.Libs[0], a, cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer one.Free()
			two, err := NewNetOn(p, a, cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer two.Free()
			if len(two.peers) != 1 || two.Cfg.Batch != 3 || two.peers[0].Cfg.Batch != 4 || two.peers[0].Cfg.SampleBase != 3 {
				t.Fatalf("replicas of %d+%d samples (base %d)", two.Cfg.Batch, two.peers[0].Cfg.Batch, two.peers[0].Cfg.SampleBase)
			}
			trainBoth(t, a, two, one, 7, 5)
			t.Logf("largest relative difference after 5 steps: %.2g", sameParams(t, two, one, 1e-5))
			c := two.Comms()
			if slab := int64(a.ParamCount()) * 4; c.Steps != 5 || c.Bytes != 5*2*slab || c.Time <= 0 || c.Time > c.StepTime {
				t.Fatalf("communication %+v, want 5 steps of 2×%d bytes", c, slab)
			}
		})
	}
}

// A grouped LRN normalises each group's channels on their own.
func TestGroupedLRN(t *testing.T) {
	const n, c, h, w, g = 2, 8, 3, 2, 2
	x := layerstest.Rand(n*c*h*w, 7)
	l := lrn("1", LRNParams{Size: 5, Alpha: 0.1, Beta: 0.75, K: 2})
	l.Groups = g
	p := lrnOf(l, Shape{c, h, w}, n)
	y, scale := make([]float64, len(x)), make([]float64, len(x))
	x64 := make([]float64, len(x))
	for i, v := range x {
		x64[i] = float64(v)
	}
	layers.LRNForward(y, scale, x64, p)
	// Each group alone, as its own tensor of c/g channels.
	per := c / g * h * w
	for s := 0; s < n*g; s++ {
		yg, sg := make([]float64, per), make([]float64, per)
		q := layers.LRN{N: 1, C: c / g, H: h, W: w, Size: 5, Alpha: 0.1, Beta: 0.75, K: 2}
		layers.LRNForward(yg, sg, x64[s*per:(s+1)*per], q)
		for i := range yg {
			if math.Abs(yg[i]-y[s*per+i]) > 1e-12 {
				t.Fatalf("sample %d group %d element %d: %g, alone %g", s/g, s%g, i, y[s*per+i], yg[i])
			}
		}
	}
	// And differs from the ungrouped one at the groups' edges.
	l.Groups = 1
	yu := make([]float64, len(x))
	layers.LRNForward(yu, scale, x64, lrnOf(l, Shape{c, h, w}, n))
	if yu[(c/g-1)*h*w] == y[(c/g-1)*h*w] {
		t.Fatal("the grouped LRN equals the ungrouped one at the last channel of group 0")
	}
}

// The paper's network splits where the paper's GPUs talk: conv3's input and fc6–fc8.
func TestSplitPlanOfThePaper(t *testing.T) {
	a := Paper(1000, 3, 0)
	stages, err := planSplit(a, 2)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for s := range stages {
		st := &stages[s]
		var prev *splitStage
		if s > 0 {
			prev = &stages[s-1]
		}
		got = append(got, fmt.Sprintf("%s %s-%s", st.describe(prev), a.Layers[st.lo].Name, a.Layers[st.hi-1].Name))
	}
	want := "input conv1-pool2, gather conv3-pool5, gather fc6-relu6, gather drop6-relu7, gather drop7-fc8"
	if strings.Join(got, ", ") != want {
		t.Fatalf("stages %s\nwant   %s", strings.Join(got, ", "), want)
	}
	if c := stages[0].towers[1].Layers[0]; c.Out != 48 || stages[0].towers[1].Layers[4].Groups != 1 {
		t.Fatalf("tower 1's conv1 has %d kernels, conv2 %d groups; want 48 and 1", c.Out, stages[0].towers[1].Layers[4].Groups)
	}
	// Halves of the parameters, every one on exactly one tower.
	half := 0
	for _, st := range stages {
		half += st.towers[0].ParamCount()
	}
	if total := a.ParamCount(); half != total/2 {
		t.Fatalf("tower 0 holds %d of %d parameters, want half", half, total)
	}
	small := Small(10, 1, 28) // LRN across both halves: exchanges around it
	if _, err := planSplit(small, 3); err == nil || !strings.Contains(err.Error(), "conv2 has 2 groups") {
		t.Fatalf("3 towers of alexnet-small: %v, want an error naming conv2's groups", err)
	}
}

// The split net (each tower on its own device, activations and gradients exchanged through the
// host) trains as the single-device net: the same losses, parameters, momenta, logits and probe.
func TestSplitEqualsOneDevice(t *testing.T) {
	towerLRNTiny := tiny()
	towerLRNTiny.Layers[2].Groups = 2
	for _, tc := range []struct {
		name   string
		arch   Arch
		staged bool
	}{
		{"tiny-tower-lrn", towerLRNTiny, false},
		{"tiny-tower-lrn-staging", towerLRNTiny, true},
		{"alexnet-small", Small(10, 1, 28), false}, // its LRN spans both towers: gathers and slices
	} {
		t.Run(tc.name, func(t *testing.T) {
			forceStaging = tc.staged
			defer func() { forceStaging = false }()
			p := twoDevices(t)
			p.Split = 2
			const batch = 6
			cfg := NetConfig{Batch: batch, Seed: 11, Dropout: -1}
			one, err := NewNet(p.Devices[0], p.Libs[0], tc.arch, cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer one.Free()
			split, err := NewNetOn(p, tc.arch, cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer split.Free()
			t.Log(split.Towers())
			trainBoth(t, tc.arch, split, one, batch, 3)
			t.Logf("largest relative difference after 3 steps: %.2g", sameParams(t, split, one, 1e-5))
			x, _ := batchData(tc.arch, 4, 99)
			lg, err := split.Logits(x, 4)
			if err != nil {
				t.Fatal(err)
			}
			lw, _ := one.Logits(x, 4)
			if e := relErr(lg, lw); e > 1e-5 {
				t.Fatalf("logits: relative error %.3g", e)
			}
			ag, pg, err := split.ProbeActivations(x[:tc.arch.In.Size()])
			if err != nil {
				t.Fatal(err)
			}
			aw, pw, _ := one.ProbeActivations(x[:tc.arch.In.Size()])
			if e := relErr(pg, pw); e > 1e-5 || len(ag) != len(aw) {
				t.Fatalf("probe logits: relative error %.3g, %d activations (want %d)", e, len(ag), len(aw))
			}
			for i := range aw {
				if e := relErr(ag[i].Data, aw[i].Data); e > 1e-5 {
					t.Fatalf("probe %s: relative error %.3g", aw[i].Layer, e)
				}
			}
			if c := split.Comms(); c.Steps != 3 || c.Bytes <= 0 {
				t.Fatalf("communication %+v", c)
			}
			// A checkpoint of the split net holds the whole tensors: it loads on one device.
			w, v, err := split.Weights()
			if err != nil {
				t.Fatal(err)
			}
			if err := one.SetWeights(w, v); err != nil {
				t.Fatal(err)
			}
			sameParams(t, split, one, 0)
		})
	}
}

// oneRank is a Comm of one rank standing for a rank of two: collectives leave values as they are.
type oneRank struct{ rank int }

func (c oneRank) Rank() int                { return c.rank }
func (c oneRank) Size() int                { return 2 }
func (c oneRank) SumF32(v []float32) error { return nil }
func (c oneRank) SumF64(v []float64) error { return nil }
func (c oneRank) MaxI32(v []int32) error   { return nil }

func TestPlacementErrors(t *testing.T) {
	p := twoDevices(t)
	a := tiny()
	for _, tc := range []struct {
		name string
		p    Placement
		cfg  NetConfig
		want string
	}{
		{"micro-batch", p, NetConfig{Batch: 6, MicroBatch: 2, Dropout: -1}, "--micro-batch 2 does not divide the 3 samples"},
		{"batch", p, NetConfig{Batch: 1, Dropout: -1}, "--batch 1 is smaller than the 1 ranks × 2 devices"},
		{"split devices", Placement{Devices: p.Devices[:1], Libs: p.Libs[:1], Split: 2}, NetConfig{Batch: 2, Dropout: -1}, "--split 2 needs 2 devices"},
		{"split under mpi", Placement{Devices: p.Devices, Libs: p.Libs, Split: 2, Comm: oneRank{}}, NetConfig{Batch: 2, Dropout: -1}, "under MPI"},
		{"libraries", Placement{Devices: p.Devices}, NetConfig{Batch: 2}, "2 devices and 0 kernel libraries"},
	} {
		n, err := NewNetOn(tc.p, a, tc.cfg)
		if err == nil {
			n.Free()
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error saying %q", tc.name, err, tc.want)
		}
	}
}

// A rank trains its share of the batch: rank 1 of 2 takes the second half, its dropout masks keyed
// by their place in the whole batch, and owns no files.
func TestRankShare(t *testing.T) {
	d, l := setup(t)
	n, err := NewNetOn(Placement{Devices: []*gpu.Device{d}, Libs: []*vk.Lib{l}, Comm: oneRank{rank: 1}}, tiny(), NetConfig{Batch: 7, Dropout: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Free()
	part, parts := n.DataPart()
	if n.Cfg.Batch != 4 || n.Cfg.SampleBase != 3 || n.Cfg.GlobalBatch != 7 || part != 1 || parts != 2 || n.IsRoot() {
		t.Fatalf("rank 1 of 2: batch %d from %d of %d, part %d of %d, root %v", n.Cfg.Batch, n.Cfg.SampleBase, n.Cfg.GlobalBatch, part, parts, n.IsRoot())
	}
	x, labels := batchData(tiny(), 4, 3)
	if _, err := n.TrainStep(x, labels); err != nil {
		t.Fatal(err)
	}
	if _, err := n.TrainStep(x[:3*tiny().In.Size()], labels[:3]); err == nil || !strings.Contains(err.Error(), "want 4×") {
		t.Fatalf("a batch of the wrong share: %v", err)
	}
}

// The paper's network itself, split over two devices as the paper's two GPUs, trains a step as the
// single-device grouped network does (batch 2: lavapipe is slow). He-normal weights instead of the
// paper's N(0, 0.01): with those, conv1's first gradients are sums that cancel to a tiny remainder,
// and float32 on one device is itself 0.9 % off the float64 reference there (measured), so any
// reordering of the sums differs by more than 1e-5.
func TestSplitAlexNetEqualsOneDevice(t *testing.T) {
	p := twoDevices(t)
	p.Split = 2
	a := Paper(1000, 3, 0)
	for i := range a.Layers {
		a.Layers[i].WeightStd = 0
	}
	cfg := NetConfig{Batch: 2, Seed: 4, Dropout: -1}
	one, err := NewNet(p.Devices[0], p.Libs[0], a, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer one.Free()
	split, err := NewNetOn(p, a, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer split.Free()
	trainBoth(t, a, split, one, 2, 1)
	t.Logf("largest relative difference after a step: %.2g", sameParams(t, split, one, 1e-5))
	if c, per := split.Comms(), int64(489376); c.Bytes != 2*per {
		t.Fatalf("%d bytes exchanged in a step of 2 images, want 2 × %d (conv3's input, fc6–fc8's and the logits)", c.Bytes, per)
	}
}
