package train

import (
	"fmt"
	"hash/fnv"
	"unsafe"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers/vk"
)

// StepStats are the sums over a batch that come back from the device after a step.
type StepStats struct {
	Loss       float64 // Σ per-sample cross-entropy
	Top1, Top5 int     // correct samples
	N          int
}

// layerSeed derives the dropout seed of layer i from the run's seed, so two dropout layers never share
// a mask.
func (n *Net) layerSeed(i int) uint32 {
	h := fnv.New32a()
	fmt.Fprintf(h, "%d/%s/%d", n.Cfg.Seed, n.Arch.Layers[i].Name, i+n.Cfg.firstLayer)
	return h.Sum32()
}

// dropoutCounter returns the {seed, step} words a dropout kernel hashes for a 64-bit step: the
// kernels take a 32-bit step, so past 2³² steps the high word changes the seed and masks never
// repeat; below it the seed is the layer's own, as it was when steps were 32-bit.
func dropoutCounter(seed uint32, step uint64) (uint32, uint32) {
	return seed ^ (uint32(step>>32) * 0x9e3779b1), uint32(step)
}

// upload writes the host data a sequence reads: pixels (and labels) into the input buffers or their
// staging copy, and this step's dropout counters.
func (n *Net) upload(x []float32, labels []int32) {
	nIn := n.Cfg.Batch * n.Arch.In.Size()
	if n.staging != nil {
		m := n.staging.Mapped()
		copy(m, gpu.F32Bytes(x))
		if labels != nil {
			copy(m[nIn*4:], gpu.I32Bytes(labels))
		}
	} else {
		copy(n.input.Mapped(), gpu.F32Bytes(x))
		if labels != nil {
			copy(n.labels.Mapped(), gpu.I32Bytes(labels))
		}
	}
	n.writeCounters()
}

// writeCounters writes this step's dropout counters: each dropout layer's seed and the step.
func (n *Net) writeCounters() {
	ctr := make([]uint32, 2*len(n.Arch.Layers))
	for i, l := range n.Arch.Layers {
		if l.Kind == Dropout {
			ctr[2*i], ctr[2*i+1] = dropoutCounter(n.layerSeed(i), n.Step)
		}
	}
	copy(n.ctr.Mapped(), unsafe.Slice((*byte)(unsafe.Pointer(&ctr[0])), 8*len(ctr)))
}

// TrainStep runs one SGD step on a full batch: x is Batch×C×H×W, labels Batch class indices. A net
// placed on several devices or ranks (NewNetOn) computes its share and sums gradients with the others.
func (n *Net) TrainStep(x []float32, labels []int32) (StepStats, error) {
	if err := n.checkBatch(x, labels); err != nil {
		return StepStats{}, err
	}
	if n.parallel() {
		return n.parallelStep(x, labels)
	}
	n.upload(x, labels)
	if err := n.trainSeq.Run(); err != nil {
		return StepStats{}, err
	}
	if n.updateSeq != nil {
		if err := n.updateSeq.Run(); err != nil {
			return StepStats{}, err
		}
	}
	n.Step++
	return n.readStats(), nil
}

// checkBatch checks a training batch's size and labels.
func (n *Net) checkBatch(x []float32, labels []int32) error {
	if b := n.stepBatch(); len(x) != b*n.Arch.In.Size() || len(labels) != b {
		return fmt.Errorf("train step: got %d pixels and %d labels, want %d×%v and %d", len(x), len(labels), b, n.Arch.In, b)
	}
	classes := n.Shapes[len(n.Shapes)-1].C
	for i, l := range labels {
		if l < 0 || int(l) >= classes {
			return fmt.Errorf("train step: label %d of sample %d outside the model's %d classes", l, i, classes)
		}
	}
	return nil
}

// readStats sums the per-micro-batch statistics the last training sequence left.
func (n *Net) readStats() StepStats {
	src := n.stats
	if n.statsOut != nil {
		src = n.statsOut
	}
	raw := make([]float32, src.Size()/4)
	copy(gpu.F32Bytes(raw), src.Mapped())
	st := StepStats{N: n.Cfg.Batch}
	for mb := 0; mb < len(raw)/vk.StatFloats; mb++ {
		r := raw[mb*vk.StatFloats:]
		st.Loss += float64(r[vk.StatLossSum])
		st.Top1 += int(r[vk.StatTop1])
		st.Top5 += int(r[vk.StatTop5])
	}
	return st
}

// Logits runs the network without dropout on x (count samples, any count) and returns count×classes
// logits.
func (n *Net) Logits(x []float32, count int) ([]float32, error) {
	size := n.Arch.In.Size()
	if len(x) != count*size {
		return nil, fmt.Errorf("logits: got %d pixels for %d samples of %v", len(x), count, n.Arch.In)
	}
	if n.split != nil {
		return n.split.logits(x, count)
	}
	classes := n.Shapes[len(n.Shapes)-1].Size()
	out := make([]float32, 0, count*classes)
	for i := 0; i < count; i += n.Micro {
		m := min(n.Micro, count-i)
		// Straight into the mapped input (a short last chunk padded with zeros): a staging slice
		// would cost a batch-sized allocation and a second pass over the pixels.
		dst := n.input.Mapped()
		if n.staging != nil {
			dst = n.staging.Mapped()
		}
		copy(dst, gpu.F32Bytes(x[i*size:(i+m)*size]))
		clear(dst[m*size*4 : n.Micro*size*4])
		if err := n.evalSeq.Run(); err != nil {
			return nil, err
		}
		src := n.acts[n.slot[len(n.Shapes)-1]]
		if n.logitsOut != nil {
			src = n.logitsOut
		}
		logits := make([]float32, m*classes)
		copy(gpu.F32Bytes(logits), src.Mapped())
		out = append(out, logits...)
	}
	return out, nil
}
