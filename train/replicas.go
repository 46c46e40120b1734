package train

import (
	"fmt"
	"runtime"
	"sync"
	"time"
	"unsafe"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers/vk"
)

// Comm is what data-parallel training needs from the processes it shares a run with: package mpi's
// Comm (MPI_COMM_WORLD) provides it. Every rank calls the collectives in the same order.
type Comm interface {
	Rank() int
	Size() int
	SumF32(v []float32) error // in-place element-wise sum over the ranks (all-reduce)
	SumF64(v []float64) error
	MaxI32(v []int32) error // in-place element-wise maximum over the ranks
}

// Placement says where a net lives: one Vulkan device per data-parallel replica, or per tower of the
// paper's model-parallel split, each with its kernel library; and the MPI ranks it shares its steps
// with.
type Placement struct {
	Devices []*gpu.Device
	Libs    []*vk.Lib
	Split   int  // towers of the model-parallel split (one per device); 0 or 1: data-parallel replicas
	Comm    Comm // the other ranks; nil: this process alone
}

// netMode is how a net records its training step.
type netMode int

const (
	wholeStep      netMode = iota // one sequence: forward, loss, backward, update
	separateUpdate                // gradients, then the update: summed over replicas in between
	segmentStep                   // a split tower's stage: forward, backward and update apart (segment.go)
)

// forceStaging makes nets copy through host-visible staging buffers even where the device memory is
// host-visible (lavapipe), so tests cover the path discrete GPUs take.
var forceStaging = false

// parallelNet is the state of a net placed on several devices or ranks. For data parallelism the
// Net itself is replica 0 and peers are the others; for the split the Net holds no buffers and
// split runs the towers.
type parallelNet struct {
	peers []*Net // replicas 1.. on this process's other devices
	comm  Comm   // the other ranks
	share int    // samples of each step this process trains (its part of the whole batch)
	rank  [2]int // this process's part of the batch: Part, Parts (data.LoaderConfig)
	split *splitNet

	updateSeq      *gpu.Seq    // separateUpdate and segmentStep: the SGD update
	fwdSeq, bwdSeq *gpu.Seq    // segmentStep
	gHost          *gpu.Buffer // host-visible copy of the gradients when they are not
	dIn            *gpu.Buffer // segmentStep: gradient of the stage's input
	// segmentStep: host-visible copies of the output, its gradient and the input gradient when the
	// device buffers are not.
	outHost, dOutHost, dInHost *gpu.Buffer

	comms CommStats
}

// CommStats sums what a placed net spent communicating: gradient sums across replicas and ranks,
// activation and gradient exchanges between split towers.
type CommStats struct {
	Steps int
	// Bytes moved between devices or ranks: for replicas, each gradient slab to the host and back;
	// for MPI, what a ring all-reduce sends per rank, 2·(R−1)/R·slab; for the split, each tower's
	// activations and gradients that another tower reads.
	Bytes    int64
	Time     time.Duration // spent summing, reducing and exchanging (wall clock)
	StepTime time.Duration // whole training steps (wall clock)
}

// Comms returns the communication statistics since the net was made or ResetComms.
func (n *Net) Comms() CommStats { return n.comms }

// ResetComms zeroes the communication statistics (after warm-up steps).
func (n *Net) ResetComms() { n.comms = CommStats{} }

// DataPart returns which part of each batch this process trains: Part of Parts, as the data loader
// takes them (0 of 1 without MPI).
func (n *Net) DataPart() (part, parts int) {
	if n.rank[1] == 0 {
		return 0, 1
	}
	return n.rank[0], n.rank[1]
}

// IsRoot reports whether this process owns the run's files: rank 0, or a process alone.
func (n *Net) IsRoot() bool { return n.comm == nil || n.comm.Rank() == 0 }

// parallel reports whether steps involve other devices or ranks.
func (n *Net) parallel() bool { return n.split != nil || len(n.peers) > 0 || n.comm != nil }

// stepBatch is the number of samples TrainStep takes: this process's share of the batch.
func (n *Net) stepBatch() int {
	if n.share > 0 {
		return n.share
	}
	return n.Cfg.Batch
}

// shareOf returns the samples [lo, hi) of part k of parts of a batch of n: the same rule as the
// data loader's parts, so the ranks' shares make up the batch in order.
func shareOf(n, k, parts int) (lo, hi int) { return k * n / parts, (k + 1) * n / parts }

// NewNetOn builds a on the placement p: on one device, a plain NewNet; on several, data-parallel
// replicas (the batch split between them, gradients summed through host memory every step) or,
// with p.Split, the paper's towers; with p.Comm, this rank's part of every step. cfg.Batch is the
// whole step's batch over every device and rank.
func NewNetOn(p Placement, a Arch, cfg NetConfig) (*Net, error) {
	if len(p.Devices) == 0 || len(p.Devices) != len(p.Libs) {
		return nil, fmt.Errorf("train: %d devices and %d kernel libraries", len(p.Devices), len(p.Libs))
	}
	ranks, rank := 1, 0
	if p.Comm != nil {
		ranks, rank = p.Comm.Size(), p.Comm.Rank()
	}
	if p.Split > 1 {
		if ranks > 1 {
			return nil, fmt.Errorf("--split %d under MPI: not supported (run the split in one process, or data-parallel ranks without it)", p.Split)
		}
		if len(p.Devices) != p.Split {
			return nil, fmt.Errorf("--split %d needs %d devices, got %d", p.Split, p.Split, len(p.Devices))
		}
		return newSplitNet(p, a, cfg)
	}
	if len(p.Devices) == 1 && ranks == 1 {
		return NewNet(p.Devices[0], p.Libs[0], a, cfg)
	}
	k := len(p.Devices)
	if cfg.Batch < ranks*k {
		return nil, fmt.Errorf("--batch %d is smaller than the %d ranks × %d devices it is split over", cfg.Batch, ranks, k)
	}
	lo, hi := shareOf(cfg.Batch, rank, ranks)
	var nets []*Net
	for i := range p.Devices {
		rlo, rhi := shareOf(hi-lo, i, k)
		if m := cfg.MicroBatch; m > 0 && (rhi-rlo)%m != 0 {
			return nil, fmt.Errorf("--micro-batch %d does not divide the %d samples of each batch of %d that rank %d's device %d trains (the batch is split over %d ranks × %d devices)",
				m, rhi-rlo, cfg.Batch, rank, i, ranks, k)
		}
		c := cfg
		c.Batch, c.GlobalBatch, c.SampleBase, c.mode = rhi-rlo, cfg.Batch, lo+rlo, separateUpdate
		if i == 0 && rank > 0 { // rank 0 decides the conv algorithms: wait for its choice
			agreed, err := agreeConvAlgos(p.Comm, a, nil)
			if err != nil {
				return nil, err
			}
			c, cfg = withPresets(c, agreed), withPresets(cfg, agreed)
		}
		r, err := NewNet(p.Devices[i], p.Libs[i], a, c)
		if err == nil && i == 0 && ranks > 1 && rank == 0 {
			_, err = agreeConvAlgos(p.Comm, a, r.ConvAlgos())
		}
		if err != nil {
			for _, m := range nets {
				m.Free()
			}
			if r != nil {
				r.Free()
			}
			return nil, fmt.Errorf("device %d (%s): %w", i, p.Devices[i].Info.Name, err)
		}
		if i == 0 { // every replica runs the first one's conv algorithms (one result, whichever device)
			cfg = withPresets(cfg, r.ConvAlgos())
		}
		nets = append(nets, r)
	}
	n := nets[0]
	n.peers, n.comm, n.share = nets[1:], p.Comm, hi-lo
	if ranks > 1 {
		n.rank = [2]int{rank, ranks}
	}
	for _, r := range n.peers { // every replica starts from the same weights: initialisation is seeded
		r.Step = n.Step
	}
	return n, nil
}

// splitUpdate ends the gradient sequence s (copying the gradients to the host-visible copy where
// needed) and returns the update sequence, which starts by copying them back.
func (n *Net) splitUpdate(s *gpu.Seq) (*gpu.Seq, error) {
	if n.gHost != nil {
		s.Copy(n.gHost, 0, n.g, 0, n.g.Size())
	}
	if err := s.End(); err != nil {
		return nil, err
	}
	u, err := n.dev.NewSeq("update", 0)
	if err != nil {
		return nil, err
	}
	n.updateSeq = u
	if n.gHost != nil {
		u.Copy(n.g, 0, n.gHost, 0, n.g.Size())
	}
	return u, nil
}

// allocHostViews allocates the host-visible copies a placed net's host work needs (called by alloc).
func (n *Net) allocHostViews() error {
	switch n.Cfg.mode {
	case separateUpdate:
		return n.hostCopy(&n.gHost, "gradients.host", n.g)
	case segmentStep:
		return n.allocSegment()
	}
	return nil
}

// hostCopy allocates a staging twin of b into *dst when b is not host-visible (or staging is forced).
func (n *Net) hostCopy(dst **gpu.Buffer, name string, b *gpu.Buffer) error {
	if b.HostVisible() && !forceStaging {
		return nil
	}
	h, err := n.buf(name, int(b.Size()/4), gpu.StagingMemory)
	*dst = h
	return err
}

// hostF32 returns the host view of a device buffer: its staging twin when it has one.
func hostF32(dev, twin *gpu.Buffer) []float32 {
	b := dev
	if twin != nil {
		b = twin
	}
	m := b.Mapped()
	return unsafe.Slice((*float32)(unsafe.Pointer(&m[0])), len(m)/4)
}

// replicas returns the net and its peers.
func (n *Net) replicas() []*Net { return append([]*Net{n}, n.peers...) }

// onEach runs f for every replica, the first on this goroutine and the others on their own, and
// returns the first error. Each replica has its own device, so their Vulkan work may overlap.
func onEach(nets []*Net, f func(k int, r *Net) error) error {
	errs := make([]error, len(nets))
	var wg sync.WaitGroup
	for k := 1; k < len(nets); k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[k] = f(k, nets[k])
		}()
	}
	errs[0] = f(0, nets[0])
	wg.Wait()
	for k, err := range errs {
		if err != nil {
			return fmt.Errorf("replica %d: %w", k, err)
		}
	}
	return nil
}

// parallelStep runs one SGD step of a placed net on this process's share x of the batch: each
// replica computes the gradients of its part, the gradient slabs are summed through host memory and
// over the ranks (one all-reduce of the whole slab), and every replica applies the same update.
func (n *Net) parallelStep(x []float32, labels []int32) (StepStats, error) {
	if n.split != nil {
		return n.split.step(x, labels)
	}
	start := time.Now()
	nets := n.replicas()
	size := n.Arch.In.Size()
	hyper := n.hyper.Mapped()
	err := onEach(nets, func(k int, r *Net) error {
		lo, _ := shareOf(n.share, k, len(nets))
		r.Step = n.Step
		copy(r.hyper.Mapped(), hyper)
		r.upload(x[lo*size:(lo+r.Cfg.Batch)*size], labels[lo:lo+r.Cfg.Batch])
		return r.trainSeq.Run()
	})
	if err != nil {
		return StepStats{}, err
	}
	comm := time.Now()
	st, err := n.reduce(nets)
	if err != nil {
		return StepStats{}, err
	}
	n.comms.Time += time.Since(comm)
	err = onEach(nets, func(_ int, r *Net) error { return r.updateSeq.Run() })
	if err != nil {
		return StepStats{}, err
	}
	for _, r := range nets {
		r.Step++
	}
	n.comms.Steps++
	n.comms.StepTime += time.Since(start)
	return st, nil
}

// reduce sums the replicas' gradients into every replica (over the ranks too) and returns the step's
// statistics summed the same way. Under MPI, the hyper-parameters of rank 0 (whose evaluations
// drive the paper's schedule) travel with the statistics, so every rank applies the same update.
func (n *Net) reduce(nets []*Net) (StepStats, error) {
	g := hostF32(n.g, n.gHost)
	slab := int64(len(g)) * 4
	for _, r := range nets[1:] {
		addInto(g, hostF32(r.g, r.gHost))
	}
	n.comms.Bytes += slab * int64(len(nets)-1) // each peer's slab to the host
	st := StepStats{}
	for _, r := range nets {
		s := r.readStats()
		st.Loss, st.Top1, st.Top5, st.N = st.Loss+s.Loss, st.Top1+s.Top1, st.Top5+s.Top5, st.N+s.N
	}
	if n.comm != nil {
		if err := n.comm.SumF32(g); err != nil {
			return st, err
		}
		ranks := int64(n.comm.Size())
		n.comms.Bytes += 2 * (ranks - 1) * slab / ranks
		h := hostF32(n.hyper, nil)
		v := []float64{st.Loss, float64(st.Top1), float64(st.Top5), float64(st.N), 0, 0, 0}
		if n.comm.Rank() == 0 {
			v[4], v[5], v[6] = float64(h[0]), float64(h[1]), float64(h[2])
		}
		if err := n.comm.SumF64(v); err != nil {
			return st, err
		}
		st = StepStats{Loss: v[0], Top1: int(v[1]), Top5: int(v[2]), N: int(v[3])}
		h[0], h[1], h[2] = float32(v[4]), float32(v[5]), float32(v[6])
	}
	for _, r := range nets[1:] {
		copy(hostF32(r.g, r.gHost), g)
		copy(r.hyper.Mapped(), n.hyper.Mapped())
	}
	n.comms.Bytes += slab * int64(len(nets)-1) // and the sum back to each peer
	return st, nil
}

// addInto adds src to dst element-wise, in parallel over the cores for large slabs.
func addInto(dst, src []float32) {
	const chunk = 1 << 18
	workers := min(runtime.GOMAXPROCS(0), (len(dst)+chunk-1)/chunk)
	if workers <= 1 {
		for i, v := range src {
			dst[i] += v
		}
		return
	}
	var wg sync.WaitGroup
	per := (len(dst) + workers - 1) / workers
	for lo := 0; lo < len(dst); lo += per {
		hi := min(lo+per, len(dst))
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, s := dst[lo:hi], src[lo:hi]
			for i, v := range s {
				d[i] += v
			}
		}()
	}
	wg.Wait()
}

// agreeStop returns whether every rank is to stop now: local is this rank's wish (a signal it
// received); under MPI the answer is the same on every rank (an all-reduce of the wishes), so they
// all stop after the same step.
func (n *Net) agreeStop(local bool) (bool, error) {
	if n.comm == nil {
		return local, nil
	}
	v := []int32{0}
	if local {
		v[0] = 1
	}
	if err := n.comm.MaxI32(v); err != nil {
		return false, err
	}
	return v[0] != 0, nil
}

// freeParallel releases the replicas, the split towers and the extra sequences.
func (n *Net) freeParallel() {
	for _, r := range n.peers {
		r.Free()
	}
	n.peers = nil
	if n.split != nil {
		n.split.free()
		n.split = nil
	}
	n.updateSeq.Free()
	n.fwdSeq.Free()
	n.bwdSeq.Free()
	n.updateSeq, n.fwdSeq, n.bwdSeq = nil, nil, nil
}
