package train

import (
	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers/vk"
)

// lossHead computes the softmax cross-entropy of the gathered logits on one device: the loss, the
// hits, and the gradient of the logits that goes back to the towers.
type lossHead struct {
	logits, labels, dlogits, loss, hits, stats *gpu.Buffer
	seq                                        *gpu.Seq
}

func newLossHead(d *gpu.Device, lib *vk.Lib, batch, classes int) (h *lossHead, err error) {
	h = &lossHead{}
	defer func() {
		if err != nil {
			h.free()
		}
	}()
	mk := func(name string, floats int, kind gpu.Kind) *gpu.Buffer {
		if err != nil {
			return nil
		}
		var b *gpu.Buffer
		b, err = d.NewBuffer("loss."+name, int64(floats)*4, kind)
		return b
	}
	h.logits, h.labels, h.dlogits = mk("logits", batch*classes, gpu.StagingMemory), mk("labels", batch, gpu.StagingMemory), mk("dlogits", batch*classes, gpu.StagingMemory)
	h.loss, h.hits, h.stats = mk("loss", batch, gpu.DeviceMemory), mk("hits", 2*batch, gpu.DeviceMemory), mk("stats", vk.StatFloats, gpu.StagingMemory)
	if err != nil {
		return h, err
	}
	if h.seq, err = d.NewSeq("split-loss", 0); err != nil {
		return h, err
	}
	h.seq.Tag = "loss:"
	lib.SoftmaxCE(h.seq, h.dlogits, h.loss, h.hits, h.logits, h.labels, batch, classes, float32(1/float64(batch)))
	lib.SoftmaxCEReduce(h.seq, h.stats, h.loss, h.hits, batch)
	return h, h.seq.End()
}

func (h *lossHead) free() {
	if h == nil {
		return
	}
	h.seq.Free()
	for _, b := range []*gpu.Buffer{h.logits, h.labels, h.dlogits, h.loss, h.hits, h.stats} {
		if b != nil {
			b.Free()
		}
	}
}
