package train

import (
	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers"
	"github.com/alexnet-vk/alexnet/layers/vk"
)

func (n *Net) convGeom(i int, in Shape, m int) layers.Conv2D {
	l := n.Arch.Layers[i]
	return layers.Conv2D{N: m, C: in.C, H: in.H, W: in.W, K: l.Out, R: l.Kernel, S: l.Kernel, Stride: l.Stride, Pad: l.Pad, Groups: l.Groups}
}

// inShape returns the input shape of layer i.
func (n *Net) inShape(i int) Shape {
	if i == 0 {
		return n.Arch.In
	}
	return n.Shapes[i-1]
}

// paramRefs returns layer i's weight and bias in a slab (w, v or g).
func (n *Net) paramRefs(slab *gpu.Buffer, i int) (w, b gpu.Ref) {
	for j, p := range n.Params {
		if p.Layer == i {
			if p.IsBias {
				b = slab.At(int64(n.off[j]) * 4)
			} else {
				w = slab.At(int64(n.off[j]) * 4)
			}
		}
	}
	return
}

// fusedReLU reports whether layer i (conv or linear) has its ReLU fused.
func (n *Net) fusedReLU(i int) bool { return i+1 < len(n.fused) && n.fused[i+1] }

// foldsReLU reports whether layer i's backward pass (LRN or max pool) also does the backward of
// the ReLU before it: that ReLU is fused into a conv or linear layer, so its gradient shares the
// slot of layer i's dx and the masked gradient can be written there at once, saving a pass over
// the activation (the mask [r > 0] comes from the stored ReLU output r, layer i's input).
func (n *Net) foldsReLU(i int) bool {
	L := n.Arch.Layers
	return i >= 1 && i < len(L) && (L[i].Kind == LRN || L[i].Kind == MaxPool) && L[i-1].Kind == ReLU && n.fused[i-1]
}

// act returns the output of layer i (the micro-batch input at mb for i = -1).
func (n *Net) act(i, mb int) gpu.Ref {
	if i < 0 {
		return n.input.At(int64(mb*n.Micro*n.Arch.In.Size()) * 4)
	}
	return n.acts[n.slot[i]].At(0)
}

// copyRef records a copy of floats elements from src to dst.
func copyRef(s *gpu.Seq, dst, src gpu.Ref, floats int) {
	s.Copy(dst.B, dst.Off, src.B, src.Off, int64(floats)*4)
}

// ctrRef is the {seed, step} pair layer i's dropout reads.
func (n *Net) ctrRef(i int) gpu.Ref { return n.ctr.At(int64(8 * i)) }

// forward records the forward pass of m samples of micro-batch mb; train turns dropout on.
func (n *Net) forward(s *gpu.Seq, mb, m int, train bool) {
	for i, l := range n.Arch.Layers {
		s.Tag = l.Name + ".fwd:"
		in, out := n.inShape(i), n.Shapes[i]
		x, y := n.act(i-1, mb), n.act(i, mb)
		switch l.Kind {
		case Conv:
			w, b := n.paramRefs(n.w, i)
			if t := n.convAlgo(i).Fwd.WinoTile(); t > 0 {
				n.lib.Conv2DForwardWinograd(s, y, x, w, b, n.convGeom(i, in, m), n.fusedReLU(i), t, n.scratch)
			} else if n.cols[i] != nil { // columns kept for the backward pass
				n.lib.Conv2DForwardCols(s, y, x, w, b, n.convGeom(i, in, m), n.fusedReLU(i), n.cols[i])
			} else {
				n.lib.Conv2DForward(s, y, x, w, b, n.convGeom(i, in, m), n.fusedReLU(i), n.scratch)
			}
		case Linear:
			w, b := n.paramRefs(n.w, i)
			n.lib.LinearForward(s, y, x, w, b, layers.Linear{N: m, In: in.Size(), Out: l.Out}, n.fusedReLU(i))
		case ReLU:
			if !n.fused[i] {
				n.lib.ReLUForward(s, y, x, m*out.Size())
			}
		case LRN:
			n.lib.LRNForward(s, y, n.aux[i], x, n.lrnGeom(i, m))
		case MaxPool:
			n.lib.MaxPoolForward(s, y, n.aux[i], x, n.poolGeom(i, m))
		case AvgPool:
			n.lib.AvgPoolForward(s, y, x, layers.AvgPool{N: m, C: in.C, H: in.H, W: in.W, OH: l.OH, OW: l.OW})
		case Dropout:
			if train && l.P > 0 {
				n.lib.DropoutForward(s, y, x, n.ctrRef(i), m*out.Size(), l.P, uint32((n.Cfg.SampleBase+mb*m)*out.Size()))
			} else if !gpu.Same(x, y) {
				copyRef(s, y, x, m*out.Size())
			}
		}
	}
}

func (n *Net) lrnGeom(i, m int) layers.LRN { return lrnOf(n.Arch.Layers[i], n.inShape(i), m) }

func (n *Net) poolGeom(i, m int) layers.MaxPool {
	in, l := n.inShape(i), n.Arch.Layers[i]
	return layers.MaxPool{N: m, C: in.C, H: in.H, W: in.W, Size: l.Size, Stride: l.Stride}
}

// backward records the backward pass of micro-batch mb, accumulating parameter gradients into the
// gradient slab; the gradient of the logits is already in the last layer's gradient slot.
func (n *Net) backward(s *gpu.Seq, mb int) {
	m := n.Micro
	for i := len(n.Arch.Layers) - 1; i >= 0; i-- {
		l := n.Arch.Layers[i]
		s.Tag = l.Name + ".bwd:"
		in, out := n.inShape(i), n.Shapes[i]
		dy := n.dacts[n.slot[i]].At(0)
		var dx gpu.Arg
		var dxr gpu.Ref
		if i > 0 {
			dxr = n.dacts[n.slot[i-1]].At(0)
			dx = dxr
		} else if n.dIn != nil { // a split stage passes its input's gradient to the stage before
			dxr = n.dIn.At(0)
			dx = dxr
		}
		x, y := n.act(i-1, mb), n.act(i, mb)
		switch l.Kind {
		case Conv:
			dw, db := n.paramRefs(n.g, i)
			p := n.convGeom(i, in, m)
			algo := n.convAlgo(i)
			switch {
			case algo.Filter.WinoTile() > 0:
				n.lib.Conv2DBackwardFilterWinograd(s, dw, db, dy, x, p, algo.Filter.WinoTile(), n.scratch)
			case n.cols[i] != nil:
				n.lib.Conv2DBackwardFilterFromCols(s, dw, db, dy, n.cols[i], p)
			default:
				n.lib.Conv2DBackwardFilter(s, dw, db, dy, x, p, n.scratch)
			}
			if dx != nil {
				w, _ := n.paramRefs(n.w, i)
				if t := algo.Data.WinoTile(); t > 0 {
					n.lib.Conv2DBackwardDataWinograd(s, dx, dy, w, p, t, n.scratch)
				} else {
					n.lib.Conv2DBackwardData(s, dx, dy, w, p, n.scratch)
				}
			}
		case Linear:
			dw, db := n.paramRefs(n.g, i)
			p := layers.Linear{N: m, In: in.Size(), Out: l.Out}
			n.lib.LinearBackwardWeight(s, dw, db, dy, x, p)
			if dx != nil {
				w, _ := n.paramRefs(n.w, i)
				n.lib.LinearBackwardData(s, dx, dy, w, p)
			}
		case ReLU: // fused or not, dx = dy·[y > 0]; in place when fused (dx is dy's buffer)
			if !n.foldsReLU(i + 1) {
				n.lib.ReLUBackward(s, dx, dy, y, m*out.Size())
			}
		case LRN:
			if n.foldsReLU(i) {
				n.lib.LRNReLUBackward(s, dx, dy, x, y, n.aux[i], n.lrnGeom(i, m))
			} else {
				n.lib.LRNBackward(s, dx, dy, x, y, n.aux[i], n.lrnGeom(i, m))
			}
		case MaxPool:
			if n.foldsReLU(i) {
				n.lib.MaxPoolReLUBackward(s, dx, dy, y, n.aux[i], n.poolGeom(i, m))
			} else {
				n.lib.MaxPoolBackward(s, dx, dy, n.aux[i], n.poolGeom(i, m))
			}
		case AvgPool:
			n.lib.AvgPoolBackward(s, dx, dy, layers.AvgPool{N: m, C: in.C, H: in.H, W: in.W, OH: l.OH, OW: l.OW})
		case Dropout:
			if l.P > 0 {
				n.lib.DropoutBackward(s, dx, dy, n.ctrRef(i), m*out.Size(), l.P, uint32((n.Cfg.SampleBase+mb*m)*out.Size()))
			} else if !gpu.Same(dx, dy) {
				copyRef(s, dxr, dy, m*out.Size())
			}
		}
	}
}

// record records the training step (every micro-batch's forward, loss and backward, then SGD over
// the slabs) and the evaluation pass (one micro-batch, forward only).
func (n *Net) record() error {
	var err error
	stamps := 0
	if n.Cfg.Profile {
		stamps = 4096
	}
	if n.trainSeq, err = n.dev.NewSeq("train-step", stamps); err != nil {
		return err
	}
	s := n.trainSeq
	if n.Cfg.Profile {
		s.ProfileEach()
	}
	nIn := n.Cfg.Batch * n.Arch.In.Size()
	if n.staging != nil {
		s.Copy(n.input, 0, n.staging, 0, int64(nIn)*4)
		s.Copy(n.labels, 0, n.staging, int64(nIn)*4, int64(n.Cfg.Batch)*4)
	}
	s.Fill(n.g, 0, n.g.Size(), 0)
	last := len(n.Arch.Layers) - 1
	classes := n.Shapes[last].C
	for mb := 0; mb < n.Cfg.Batch/n.Micro; mb++ {
		n.forward(s, mb, n.Micro, true)
		s.Tag = "loss:"
		lbl := n.labels.At(int64(mb*n.Micro) * 4)
		n.lib.SoftmaxCE(s, n.dacts[n.slot[last]], n.loss, n.hits, n.act(last, mb), lbl, n.Micro, classes, float32(1/float64(n.globalBatch())))
		n.lib.SoftmaxCEReduce(s, n.stats.At(int64(mb*vk.StatFloats)*4), n.loss, n.hits, n.Micro)
		n.backward(s, mb)
	}
	if n.statsOut != nil {
		s.Copy(n.statsOut, 0, n.stats, 0, n.stats.Size())
	}
	if n.Cfg.mode == separateUpdate { // gradients leave for the sum over replicas; the update is its own sequence
		var err error
		if s, err = n.splitUpdate(s); err != nil {
			return err
		}
	}
	n.recordSGD(s)
	if err := s.End(); err != nil {
		return err
	}

	if n.evalSeq, err = n.dev.NewSeq("eval", 0); err != nil {
		return err
	}
	e := n.evalSeq
	if n.staging != nil {
		e.Copy(n.input, 0, n.staging, 0, int64(n.Micro*n.Arch.In.Size())*4)
	}
	n.forward(e, 0, n.Micro, false)
	if n.logitsOut != nil {
		copyRef(e, n.logitsOut.At(0), n.act(last, 0), n.Micro*n.Shapes[last].Size())
	}
	if err := e.End(); err != nil {
		return err
	}
	// The probe pass: one sample, for snapshots (the viewer refreshes without a batch's cost).
	if n.probeSeq, err = n.dev.NewSeq("probe", 0); err != nil {
		return err
	}
	p := n.probeSeq
	if n.staging != nil {
		p.Copy(n.input, 0, n.staging, 0, int64(n.Arch.In.Size())*4)
	}
	n.forward(p, 0, 1, false)
	if n.logitsOut != nil {
		copyRef(p, n.logitsOut.At(0), n.act(last, 0), n.Shapes[last].Size())
	}
	return p.End()
}

// recordSGD records the SGD update of every parameter: one dispatch over the weights, one over the
// biases (which may be exempt from weight decay).
func (n *Net) recordSGD(s *gpu.Seq) {
	nb := n.g.Size() / 4
	s.Tag = "sgd:"
	n.lib.SGD(s, n.w, n.v, n.g, n.hyper, n.nWeight, true)
	if nBias := int(nb) - n.nWeight; nBias > 0 {
		at := int64(n.nWeight) * 4
		n.lib.SGD(s, n.w.At(at), n.v.At(at), n.g.At(at), n.hyper, nBias, n.Cfg.DecayBiases)
	}
}

// globalBatch is the batch of the whole step (NetConfig.GlobalBatch).
func (n *Net) globalBatch() int {
	if n.Cfg.GlobalBatch > 0 {
		return n.Cfg.GlobalBatch
	}
	return n.Cfg.Batch
}
