package train

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers/vk"
)

// NetConfig configures a GPU-resident network.
type NetConfig struct {
	Batch       int     // samples per SGD step
	MicroBatch  int     // samples per forward/backward pass; 0 picks the largest that fits MemoryLimit
	MemoryLimit int64   // device bytes the net may use; 0 means 4 GiB or the device's memory if less
	Seed        uint64  // initialisation and dropout masks
	Dropout     float64 // < 0 keeps each dropout layer's p; otherwise overrides it (0 turns dropout off)
	DecayBiases bool    // apply weight decay to biases too (the paper's rule decays every weight)
	Profile     bool    // timestamp every command of the training step (see Net.Profile)
	// ColumnsMemory bounds the bytes of conv column matrices kept from the forward pass for the
	// backward pass (one im2col less per layer and step); 0 means 128 MiB where the backward filter
	// would recompute them (none where it runs without columns: see keepCols), < 0 keeps none.
	ColumnsMemory int64
	// GlobalBatch is the batch of the whole SGD step when this net computes only part of it (a
	// data-parallel replica or rank): the loss gradient is scaled by 1/GlobalBatch so that summed
	// gradients are the mean over the step. 0 means Batch.
	GlobalBatch int
	// SampleBase is the position of this net's first sample in the step's batch: dropout masks are
	// keyed by the sample's position in the whole batch, so every split of it draws the same masks.
	SampleBase int
	// ConvAlgo is --conv-algo: "auto" (time every algorithm per layer), "direct", "winograd" or
	// "winograd4" (vk.ConvAlgoModes); "" takes the
	// device's (gpu.Options.ConvAlgo, $ALEXNET_CONV_ALGO), else direct.
	ConvAlgo string
	// ConvAlgos, by layer name, are algorithms decided before (a resumed checkpoint's, the first
	// replica's, rank 0's): used instead of timing when ConvAlgo is auto.
	ConvAlgos map[string]vk.ConvAlgos
	// ForwardOnly says the net only infers (classify): auto times the forward pass alone and leaves
	// the backward passes, which never run, direct.
	ForwardOnly bool

	mode       netMode // how the training step is recorded (replicas.go, segment.go)
	firstLayer int     // index of Arch.Layers[0] in the whole network (a split tower's stage)
}

// Net is an architecture living on the device: parameters, momenta, gradients, activations, and
// the recorded training and evaluation sequences.
type Net struct {
	Arch   Arch
	Cfg    NetConfig
	Shapes []Shape
	Params []Param
	Micro  int // samples per pass

	dev *gpu.Device
	lib *vk.Lib

	w, v, g *gpu.Buffer // parameter slabs: all weights, then all biases
	off     []int       // float offset of each Param in the slabs
	nWeight int         // floats of weights (the decayed part when biases are not)

	slot      []int         // act/dact buffer index of each layer's output
	fused     []bool        // a ReLU fused into the conv/linear before it
	acts      []*gpu.Buffer // activations per slot, Micro samples
	dacts     []*gpu.Buffer // gradients per slot
	aux       []*gpu.Buffer // lrn scale or maxpool argmax per layer
	scratch   *gpu.Buffer
	cols      []*gpu.Buffer // per conv layer whose columns are kept from forward to backward, else nil
	input     *gpu.Buffer   // Batch samples
	labels    *gpu.Buffer
	loss      *gpu.Buffer
	hits      *gpu.Buffer
	stats     *gpu.Buffer // 3 floats per micro-batch
	hyper     *gpu.Buffer // {lr, mu, wd}
	ctr       *gpu.Buffer // {seed, step} per layer
	staging   *gpu.Buffer // host-visible copy of input+labels when they are not
	statsOut  *gpu.Buffer // host-visible copy of stats when it is not
	logitsOut *gpu.Buffer // host-visible copy of the logits when they are not

	trainSeq, evalSeq *gpu.Seq
	probeSeq          *gpu.Seq // forward of one sample
	buffers           []*gpu.Buffer

	convAlgos map[string]vk.ConvAlgos // each conv layer's algorithms (convalgo.go)
	convTimes map[string]vk.ConvTimes // what auto measured

	parallelNet // replicas, MPI ranks or split towers sharing the step (replicas.go, split.go)

	// Step counts SGD updates; it keys the dropout masks, so it is part of a checkpoint.
	Step uint64
}

// NewNet allocates a on d and records its sequences.
func NewNet(d *gpu.Device, lib *vk.Lib, a Arch, cfg NetConfig) (*Net, error) {
	if cfg.Batch < 1 {
		return nil, fmt.Errorf("--batch %d: need at least 1", cfg.Batch)
	}
	shapes, err := a.Shapes()
	if err != nil {
		return nil, err
	}
	n := &Net{Arch: a, Cfg: cfg, Shapes: shapes, Params: a.Params(), dev: d, lib: lib}
	if cfg.Dropout >= 0 {
		for i := range n.Arch.Layers {
			if n.Arch.Layers[i].Kind == Dropout {
				n.Arch.Layers[i].P = cfg.Dropout
			}
		}
	}
	for _, l := range n.Arch.Layers {
		if l.Kind == Dropout && (l.P < 0 || l.P >= 1) {
			return nil, fmt.Errorf("--dropout %g: need 0 <= p < 1", l.P)
		}
	}
	if cfg.GlobalBatch < 0 || cfg.SampleBase < 0 || (cfg.GlobalBatch > 0 && cfg.SampleBase+cfg.Batch > cfg.GlobalBatch) {
		return nil, fmt.Errorf("train: samples %d..%d of a batch of %d", cfg.SampleBase, cfg.SampleBase+cfg.Batch-1, cfg.GlobalBatch)
	}
	n.plan()
	if err := n.pickMicro(); err != nil {
		return nil, err
	}
	if err := n.chooseConvAlgos(); err != nil {
		return nil, err
	}
	if err := n.alloc(); err != nil {
		n.Free()
		return nil, err
	}
	n.initParams()
	record := n.record
	if cfg.mode == segmentStep {
		record = n.recordSegment
	}
	if err := record(); err != nil {
		n.Free()
		return nil, err
	}
	return n, nil
}

// plan assigns activation slots: a ReLU after conv/linear is fused into it and shares its slot;
// dropout works in place on its input's slot (safe: no layer here needs its own output unchanged
// where dropout zeroes it, since the gradient there is zero too).
func (n *Net) plan() {
	L := n.Arch.Layers
	n.slot = make([]int, len(L))
	n.fused = make([]bool, len(L))
	next := 0
	for i, l := range L {
		prev := -1
		if i > 0 {
			prev = n.slot[i-1]
		}
		switch {
		case l.Kind == ReLU && i > 0 && (L[i-1].Kind == Conv || L[i-1].Kind == Linear):
			n.fused[i] = true
			n.slot[i] = prev
		case l.Kind == Dropout && i > 0 && L[i-1].Kind != LRN:
			n.slot[i] = prev
		default:
			n.slot[i] = next
			next++
		}
	}
}

// slotSize returns the per-sample floats of each slot.
func (n *Net) slotSizes() []int {
	sz := make([]int, 0)
	for i, s := range n.slot {
		if s == len(sz) {
			sz = append(sz, n.Shapes[i].Size())
		}
	}
	return sz
}

// colFloats returns one image's column floats of layer i (0 for a layer that is not a conv).
func (n *Net) colFloats(i int) int {
	if n.Arch.Layers[i].Kind != Conv {
		return 0
	}
	return vk.ColFloats(n.convGeom(i, n.inShape(i), 1))
}

// scratchFloats returns the conv column scratch for m samples: one image's columns of the largest
// layer at least, all m images' columns at most, capped at 64 MiB.
func (n *Net) scratchFloats(m int) int {
	most, one := 0, 0
	for i := range n.Arch.Layers {
		one = max(one, n.colFloats(i))
		most = max(most, m*n.colFloats(i))
		w1, wm := n.winoFloats(i, m)
		one, most = max(one, w1), max(most, wm)
	}
	return max(one, min(most, 16<<20))
}

// keepCols returns, per layer, the column floats kept for it at micro-batch m (0: recomputed in the
// backward pass through the shared scratch, or not needed): conv layers in order while the total
// fits Cfg.ColumnsMemory. By default (0) columns are kept only where the backward filter would
// otherwise recompute them by im2col, that is where the kernel variant has no implicit
// backward-filter kernel (vk.Lib.ImplicitBwdFilter); there keeping them saved about a tenth of
// alexnet-small's training step. Where it has one, the implicit forward and backward-filter
// kernels need no columns and are faster: on lavapipe (tile variant) alexnet-small's step at
// batch 32 went from about 62 to 46 ms of device time without kept columns.
func (n *Net) keepCols(m int) []int {
	keep := make([]int, len(n.Arch.Layers))
	budget := n.Cfg.ColumnsMemory
	if budget == 0 {
		if n.lib.ImplicitBwdFilter() {
			return keep
		}
		budget = 128 << 20
	}
	total := int64(0)
	for i := range n.Arch.Layers {
		if n.usesWinograd(i) { // no columns: its forward or backward-filter runs Winograd
			continue
		}
		if f := int64(m * n.colFloats(i)); f > 0 && (total+f)*4 <= budget {
			keep[i] = int(f)
			total += f
		}
	}
	return keep
}

// bytesFor estimates the device memory the net needs at micro-batch m.
func (n *Net) bytesFor(m int) (total int64, largest int64) {
	add := func(floats int) {
		b := int64(floats) * 4
		total += b
		largest = max(largest, b)
	}
	np := n.Arch.ParamCount()
	add(np)
	add(np)
	add(np)
	for _, s := range n.slotSizes() {
		add(m * s)
		add(m * s)
	}
	for i, l := range n.Arch.Layers {
		if l.Kind == LRN || l.Kind == MaxPool {
			add(m * n.Shapes[i].Size())
		}
	}
	add(n.scratchFloats(m))
	for _, f := range n.keepCols(m) {
		if f > 0 {
			add(f)
		}
	}
	add(n.Cfg.Batch * (n.Arch.In.Size() + 1))
	return total, largest
}

// pickMicro chooses the micro-batch: the requested one, or the largest divisor of the batch whose
// buffers fit the memory limit and the device's largest allocation.
func (n *Net) pickMicro() error {
	limit := n.Cfg.MemoryLimit
	if limit == 0 {
		limit = 4 << 30
		if dl := n.dev.Info.DeviceLocalBytes; dl > 0 && dl < limit {
			limit = dl
		}
	}
	maxBuf := n.dev.Info.MaxMemoryAllocationSize
	if mb := n.dev.Info.MaxBufferSize; mb > 0 && mb < maxBuf {
		maxBuf = mb
	}
	if n.Cfg.mode == segmentStep { // a split tower's stage: one pass per step
		n.Micro = n.Cfg.Batch
		return nil
	}
	if m := n.Cfg.MicroBatch; m > 0 {
		if n.Cfg.Batch%m != 0 {
			return fmt.Errorf("--micro-batch %d does not divide --batch %d", m, n.Cfg.Batch)
		}
		n.Micro = m
		return nil
	}
	for m := n.Cfg.Batch; m >= 1; m-- {
		if n.Cfg.Batch%m != 0 {
			continue
		}
		total, largest := n.bytesFor(m)
		if total <= limit && largest <= maxBuf {
			n.Micro = m
			return nil
		}
	}
	total, _ := n.bytesFor(1)
	return fmt.Errorf("%s needs %s of device memory even one sample at a time (limit %s)", n.Arch.Name, gpu.Bytes(total), gpu.Bytes(limit))
}

func (n *Net) buf(name string, floats int, kind gpu.Kind) (*gpu.Buffer, error) {
	b, err := n.dev.NewBuffer(name, int64(max(floats, 1))*4, kind)
	if err != nil {
		return nil, err
	}
	n.buffers = append(n.buffers, b)
	return b, nil
}

func (n *Net) alloc() (err error) {
	must := func(name string, floats int, kind gpu.Kind) *gpu.Buffer {
		if err != nil {
			return nil
		}
		var b *gpu.Buffer
		b, err = n.buf(name, floats, kind)
		return b
	}
	// Slab layout: every weight, then every bias, so one or two SGD dispatches update them all.
	n.off = make([]int, len(n.Params))
	o := 0
	for pass := 0; pass < 2; pass++ {
		for i, p := range n.Params {
			if p.IsBias == (pass == 1) {
				n.off[i] = o
				o += p.Size()
			}
		}
		if pass == 0 {
			n.nWeight = o
		}
	}
	n.w, n.v, n.g = must("weights", o, gpu.DeviceMemory), must("momenta", o, gpu.DeviceMemory), must("gradients", o, gpu.DeviceMemory)
	m := n.Micro
	for s, size := range n.slotSizes() {
		n.acts = append(n.acts, must(fmt.Sprintf("act%d", s), m*size, gpu.DeviceMemory))
		n.dacts = append(n.dacts, must(fmt.Sprintf("grad%d", s), m*size, gpu.DeviceMemory))
	}
	n.aux = make([]*gpu.Buffer, len(n.Arch.Layers))
	for i, l := range n.Arch.Layers {
		if l.Kind == LRN || l.Kind == MaxPool {
			n.aux[i] = must(l.Name+".aux", m*n.Shapes[i].Size(), gpu.DeviceMemory)
		}
	}
	n.scratch = must("scratch", n.scratchFloats(m), gpu.DeviceMemory)
	n.cols = make([]*gpu.Buffer, len(n.Arch.Layers))
	for i, f := range n.keepCols(m) {
		if f > 0 {
			n.cols[i] = must(n.Arch.Layers[i].Name+".cols", f, gpu.DeviceMemory)
		}
	}
	nIn := n.Cfg.Batch * n.Arch.In.Size()
	n.input = must("input", nIn, gpu.DeviceMemory)
	n.labels = must("labels", n.Cfg.Batch, gpu.DeviceMemory)
	n.loss = must("loss", m, gpu.DeviceMemory)
	n.hits = must("hits", 2*m, gpu.DeviceMemory)
	n.stats = must("stats", vk.StatFloats*(n.Cfg.Batch/m), gpu.DeviceMemory)
	n.hyper = must("hyper", vk.SGDHyperFloats, gpu.StagingMemory)
	n.ctr = must("ctr", 2*len(n.Arch.Layers), gpu.StagingMemory)
	if err != nil {
		return err
	}
	if !n.input.HostVisible() || !n.labels.HostVisible() || forceStaging {
		n.staging = must("staging", nIn+n.Cfg.Batch, gpu.StagingMemory)
	}
	if err == nil {
		err = n.allocHostViews()
	}
	if !n.stats.HostVisible() {
		n.statsOut = must("stats.out", vk.StatFloats*(n.Cfg.Batch/m), gpu.StagingMemory)
	}
	last := len(n.Arch.Layers) - 1
	if !n.acts[n.slot[last]].HostVisible() {
		n.logitsOut = must("logits.out", m*n.Shapes[last].Size(), gpu.StagingMemory)
	}
	return err
}

// initParams fills weights with InitialWeights, and momenta with zero.
func (n *Net) initParams() {
	all := make([]float32, n.w.Size()/4)
	for i, w := range InitialWeights(n.Arch, n.Cfg.Seed) {
		copy(all[n.off[i]:], w)
	}
	n.w.UploadF32(0, all)
	clear(all)
	n.v.UploadF32(0, all)
	n.SetHyper(0.01, 0.9, 5e-4)
}

// InitialWeights returns a's parameters (Params order) as a net seeded with seed starts: weights
// N(0, std²) (He-normal std √(2/fan-in) where the layer asks for it), biases their constants.
func InitialWeights(a Arch, seed uint64) [][]float32 {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	var out [][]float32
	for _, p := range a.Params() {
		l := a.Layers[p.Layer]
		dst := make([]float32, p.Size())
		out = append(out, dst)
		if p.IsBias {
			for j := range dst {
				dst[j] = float32(l.BiasInit)
			}
			continue
		}
		fanIn := float64(p.Size() / p.Shape[0])
		std := l.WeightStd
		switch {
		case std == 0:
			std = math.Sqrt(2 / fanIn)
		case std < 0:
			std = math.Sqrt(1 / (3 * fanIn))
		}
		for j := range dst {
			dst[j] = float32(r.NormFloat64() * std)
		}
	}
	return out
}

// SetHyper sets the learning rate, momentum and weight decay the next steps use.
func (n *Net) SetHyper(lr, mu, wd float64) {
	if n.split != nil {
		n.split.setHyper(lr, mu, wd)
		return
	}
	for _, r := range n.peers {
		r.SetHyper(lr, mu, wd)
	}
	h := []float32{float32(lr), float32(mu), float32(wd)}
	copy(n.hyper.Mapped(), gpu.F32Bytes(h))
}

// Free releases every device resource of the net.
func (n *Net) Free() {
	n.freeParallel()
	n.trainSeq.Free()
	n.evalSeq.Free()
	n.probeSeq.Free()
	for _, b := range n.buffers {
		b.Free()
	}
	n.buffers = nil
}
