package train

import (
	"fmt"
	"time"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers/vk"
)

// splitNet runs a network split over towers, one device each (split_plan.go): every tower runs
// each stage on its share of the channels, and the host moves activations forward and gradients
// backward between the stages. The parameters of a conv2d or linear layer are split by output rows,
// so tower t's weight is a block of rows of the whole one: checkpoints hold the whole tensors, and
// a split run resumes on one device and back.
type splitNet struct {
	n      *Net // the net it stands for (Arch, Params, Step, communication statistics)
	stages []splitStage
	segs   [][]*Net // segs[t][s]: tower t's net of stage s
	head   *lossHead
}

// newSplitNet builds the towers of a on p's devices.
func newSplitNet(p Placement, a Arch, cfg NetConfig) (*Net, error) {
	if cfg.Batch < 1 {
		return nil, fmt.Errorf("--batch %d: need at least 1", cfg.Batch)
	}
	if cfg.MicroBatch > 0 && cfg.MicroBatch != cfg.Batch {
		return nil, fmt.Errorf("--micro-batch with --split: not supported (each tower trains the whole batch in one pass)")
	}
	if cfg.Dropout >= 0 {
		for i := range a.Layers {
			if a.Layers[i].Kind == Dropout {
				a.Layers[i].P = cfg.Dropout
			}
		}
	}
	stages, err := planSplit(a, p.Split)
	if err != nil {
		return nil, err
	}
	shapes, _ := a.Shapes()
	n := &Net{Arch: a, Cfg: cfg, Shapes: shapes, Params: a.Params(), Micro: cfg.Batch}
	sp := &splitNet{n: n, stages: stages, segs: make([][]*Net, p.Split)}
	n.split = sp
	for t := range sp.segs {
		for _, st := range stages {
			c := cfg
			c.MicroBatch, c.GlobalBatch, c.SampleBase, c.mode, c.firstLayer = 0, cfg.Batch, 0, segmentStep, st.lo
			if t > 0 { // every tower runs the first one's conv algorithms
				c = withPresets(c, sp.n.ConvAlgos())
			}
			seg, err := NewNet(p.Devices[t], p.Libs[t], st.towers[t], c)
			if err != nil {
				n.Free()
				return nil, fmt.Errorf("--split: tower %d on %s, layers %s-%s: %w", t, p.Devices[t].Info.Name,
					a.Layers[st.lo].Name, a.Layers[st.hi-1].Name, err)
			}
			sp.segs[t] = append(sp.segs[t], seg)
		}
	}
	if sp.head, err = newLossHead(p.Devices[0], p.Libs[0], cfg.Batch, a.Classes); err != nil {
		n.Free()
		return nil, err
	}
	if err := sp.setWeights(InitialWeights(a, cfg.Seed), nil); err != nil {
		n.Free()
		return nil, err
	}
	sp.setHyper(0.01, 0.9, 5e-4)
	return n, nil
}

// Towers describes the split for logs: each stage's layers and how its input arrives.
func (n *Net) Towers() string {
	if n.split == nil {
		return ""
	}
	out := ""
	for s := range n.split.stages {
		st := &n.split.stages[s]
		var prev *splitStage
		if s > 0 {
			prev = &n.split.stages[s-1]
		}
		out += fmt.Sprintf("%s → %s-%s; ", st.describe(prev), n.Arch.Layers[st.lo].Name, n.Arch.Layers[st.hi-1].Name)
	}
	return out + "gather → loss"
}

// stage returns stage s's nets, one per tower.
func (sp *splitNet) stage(s int) []*Net {
	nets := make([]*Net, len(sp.segs))
	for t := range sp.segs {
		nets[t] = sp.segs[t][s]
	}
	return nets
}

// plane returns the floats per channel of a whole tensor of shape sh.
func plane(sh Shape) int { return sh.H * sh.W }

// moveChannels copies, for each of batch samples, c channels of hw floats from src (cs channels per
// sample, starting at channel so) to dst (cd channels per sample, starting at do).
func moveChannels(dst []float32, cd, do int, src []float32, cs, so, c, hw, batch int) {
	for i := 0; i < batch; i++ {
		copy(dst[(i*cd+do)*hw:(i*cd+do+c)*hw], src[(i*cs+so)*hw:(i*cs+so+c)*hw])
	}
}

// forwardTo moves stage s−1's outputs into stage s's inputs (gather or slice), counting the bytes
// that cross between towers.
func (sp *splitNet) forwardTo(s, batch int) {
	prev, st := &sp.stages[s-1], &sp.stages[s]
	hw := plane(st.in)
	C := st.in.C
	for u := range sp.segs { // receiving tower
		dst := sp.segs[u][s].segIn()
		if st.wholeIn { // gather: every tower's channels into every tower's whole input
			for t := range sp.segs {
				moveChannels(dst, C, prev.outLo[t], sp.segs[t][s-1].segOut(), prev.outC[t], 0, prev.outC[t], hw, batch)
				if t != u {
					sp.n.comms.Bytes += int64(batch * prev.outC[t] * hw * 4)
				}
			}
		} else { // slice: this tower's channels of its own whole output
			moveChannels(dst, st.inC[u], 0, sp.segs[u][s-1].segOut(), C, st.inLo[u], st.inC[u], hw, batch)
		}
	}
}

// backwardTo moves stage s's input gradients into stage s−1's output gradients.
func (sp *splitNet) backwardTo(s, batch int) {
	prev, st := &sp.stages[s-1], &sp.stages[s]
	hw := plane(st.in)
	C := st.in.C
	for u := range sp.segs {
		dst := sp.segs[u][s-1].segDOut()
		switch {
		case st.wholeIn && st.wholeOut: // forward gathered into a stage every tower ran whole (no
			// weights in it): each tower's input gradient is already the whole one; keep its channels
			moveChannels(dst, prev.outC[u], 0, sp.segs[u][s].segDIn(), C, prev.outLo[u], prev.outC[u], hw, batch)
		case st.wholeIn: // forward gathered: each tower's input gradient is its weights' part of the
			// whole one; sum them over the towers for tower u's channels
			lo, c := prev.outLo[u], prev.outC[u]
			moveChannels(dst, c, 0, sp.segs[0][s].segDIn(), C, lo, c, hw, batch)
			for t := 1; t < len(sp.segs); t++ {
				src := sp.segs[t][s].segDIn()
				for i := 0; i < batch; i++ {
					d, g := dst[i*c*hw:(i+1)*c*hw], src[(i*C+lo)*hw:(i*C+lo+c)*hw]
					for j, v := range g {
						d[j] += v
					}
				}
			}
			sp.n.comms.Bytes += int64((len(sp.segs) - 1) * batch * c * hw * 4)
		default: // forward sliced: gather the towers' local gradients into the whole one
			for t := range sp.segs {
				moveChannels(dst, C, st.inLo[t], sp.segs[t][s].segDIn(), st.inC[t], 0, st.inC[t], hw, batch)
				if t != u {
					sp.n.comms.Bytes += int64(batch * st.inC[t] * hw * 4)
				}
			}
		}
	}
}

// forward runs every stage's forward (train: the training sequences, dropout on; else the
// evaluation ones) on the batch already in stage 0's inputs, and gathers the logits into dst.
func (sp *splitNet) forward(train bool, dst []float32) error {
	batch := sp.n.Cfg.Batch
	for s := range sp.stages {
		if s > 0 {
			t0 := time.Now()
			sp.forwardTo(s, batch)
			sp.n.comms.Time += time.Since(t0)
		}
		err := onEach(sp.stage(s), func(_ int, seg *Net) error {
			if train {
				return seg.fwdSeq.Run()
			}
			return seg.evalSeq.Run()
		})
		if err != nil {
			return err
		}
	}
	t0 := time.Now()
	last := &sp.stages[len(sp.stages)-1]
	for t := range sp.segs {
		moveChannels(dst, last.out.C, last.outLo[t], sp.segs[t][len(sp.stages)-1].segOut(), last.outC[t], 0, last.outC[t], 1, batch)
		if t != 0 {
			sp.n.comms.Bytes += int64(batch * last.outC[t] * 4)
		}
	}
	sp.n.comms.Time += time.Since(t0)
	return nil
}

// setInput writes a batch of images into every tower's first stage and this step's dropout
// counters into every stage.
func (sp *splitNet) setInput(x []float32) {
	for t := range sp.segs {
		copy(sp.segs[t][0].segIn(), x)
		for _, seg := range sp.segs[t] {
			seg.Step = sp.n.Step
			seg.writeCounters()
		}
	}
}

// step runs one SGD step of the split net.
func (sp *splitNet) step(x []float32, labels []int32) (StepStats, error) {
	start := time.Now()
	n, batch := sp.n, sp.n.Cfg.Batch
	sp.setInput(x)
	copy(sp.head.labels.Mapped(), gpu.I32Bytes(labels))
	if err := sp.forward(true, hostF32(sp.head.logits, nil)); err != nil {
		return StepStats{}, err
	}
	if err := sp.head.seq.Run(); err != nil {
		return StepStats{}, err
	}
	t0 := time.Now()
	last := len(sp.stages) - 1
	ls, dz := &sp.stages[last], hostF32(sp.head.dlogits, nil)
	for t := range sp.segs {
		moveChannels(sp.segs[t][last].segDOut(), ls.outC[t], 0, dz, ls.out.C, ls.outLo[t], ls.outC[t], 1, batch)
		if t != 0 {
			n.comms.Bytes += int64(batch * ls.outC[t] * 4)
		}
	}
	n.comms.Time += time.Since(t0)
	for s := last; s >= 0; s-- {
		if err := onEach(sp.stage(s), func(_ int, seg *Net) error { return seg.bwdSeq.Run() }); err != nil {
			return StepStats{}, err
		}
		if s > 0 {
			t0 := time.Now()
			sp.backwardTo(s, batch)
			n.comms.Time += time.Since(t0)
		}
	}
	for s := range sp.stages {
		if err := onEach(sp.stage(s), func(_ int, seg *Net) error { return seg.updateSeq.Run() }); err != nil {
			return StepStats{}, err
		}
	}
	n.Step++
	st := hostF32(sp.head.stats, nil)
	n.comms.Steps++
	n.comms.StepTime += time.Since(start)
	return StepStats{Loss: float64(st[vk.StatLossSum]), Top1: int(st[vk.StatTop1]), Top5: int(st[vk.StatTop5]), N: batch}, nil
}

// logits runs count samples through the split net without dropout.
func (sp *splitNet) logits(x []float32, count int) ([]float32, error) {
	batch, size, classes := sp.n.Cfg.Batch, sp.n.Arch.In.Size(), sp.n.Arch.Classes
	saved := sp.n.comms // evaluation is not part of the training step's communication
	defer func() { sp.n.comms = saved }()
	out := make([]float32, 0, count*classes)
	chunk := make([]float32, batch*size)
	z := make([]float32, batch*classes)
	for i := 0; i < count; i += batch {
		m := min(batch, count-i)
		copy(chunk, x[i*size:(i+m)*size])
		clear(chunk[m*size:])
		sp.setInput(chunk)
		if err := sp.forward(false, z); err != nil {
			return nil, err
		}
		out = append(out, z[:m*classes]...)
	}
	return out, nil
}

// setHyper sets every tower's SGD hyper-parameters.
func (sp *splitNet) setHyper(lr, mu, wd float64) {
	for t := range sp.segs {
		for _, seg := range sp.segs[t] {
			seg.SetHyper(lr, mu, wd)
		}
	}
}

func (sp *splitNet) free() {
	for t := range sp.segs {
		for _, seg := range sp.segs[t] {
			seg.Free()
		}
	}
	sp.segs = nil
	sp.head.free()
}

// probe runs one image through the split net without dropout and returns every conv layer's output
// (after its ReLU), its channels gathered from the towers, and the logits.
func (sp *splitNet) probe(x []float32) ([]Activation, []float32, error) {
	size, batch := sp.n.Arch.In.Size(), sp.n.Cfg.Batch
	chunk := make([]float32, batch*size)
	copy(chunk, x)
	saved := sp.n.comms
	defer func() { sp.n.comms = saved }()
	sp.setInput(chunk)
	z := make([]float32, batch*sp.n.Arch.Classes)
	if err := sp.forward(false, z); err != nil {
		return nil, nil, err
	}
	var acts []Activation
	for i, l := range sp.n.Arch.Layers {
		if l.Kind != Conv {
			continue
		}
		sh := sp.n.Shapes[i]
		a := Activation{Layer: l.Name, Shape: sh, Data: make([]float32, sh.Size())}
		for s, st := range sp.stages {
			if i < st.lo || i >= st.hi {
				continue
			}
			c0 := 0
			for t := range sp.segs {
				seg := sp.segs[t][s]
				li := i - st.lo
				part := make([]float32, seg.Shapes[li].Size())
				if err := seg.acts[seg.slot[li]].DownloadF32(0, part); err != nil { // sample 0 comes first
					return nil, nil, err
				}
				copy(a.Data[c0*plane(sh):], part)
				c0 += seg.Shapes[li].C
			}
		}
		acts = append(acts, a)
	}
	return acts, z[:sp.n.Arch.Classes], nil
}
