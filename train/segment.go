package train

import "github.com/alexnet-vk/alexnet/gpu"

// A segment is one stage of a split tower (split.go): a net over a run of the whole network's layers
// whose input comes from, and whose output goes to, the host between its sequences. Its forward,
// backward and update are separate sequences, because the towers exchange activations after the
// forward and gradients before the backward. It trains its whole batch in one pass.

// allocSegment allocates the input gradient (for every stage but the first) and the host-visible
// copies of the output, its gradient and the input gradient where the device buffers are not.
func (n *Net) allocSegment() error {
	last := n.slot[len(n.Arch.Layers)-1]
	if n.Cfg.firstLayer > 0 {
		var err error
		if n.dIn, err = n.buf("dinput", n.Cfg.Batch*n.Arch.In.Size(), gpu.DeviceMemory); err != nil {
			return err
		}
		if err := n.hostCopy(&n.dInHost, "dinput.host", n.dIn); err != nil {
			return err
		}
	}
	if err := n.hostCopy(&n.outHost, "output.host", n.acts[last]); err != nil {
		return err
	}
	return n.hostCopy(&n.dOutHost, "doutput.host", n.dacts[last])
}

// recordSegment records a stage's sequences: forward (dropout on), backward (into the input
// gradient), the SGD update, and the evaluation forward (dropout off).
func (n *Net) recordSegment() error {
	last := len(n.Arch.Layers) - 1
	out, dOut := n.acts[n.slot[last]], n.dacts[n.slot[last]]
	nIn := int64(n.Cfg.Batch*n.Arch.In.Size()) * 4
	forward := func(name string, train bool) (*gpu.Seq, error) {
		s, err := n.dev.NewSeq(name, 0)
		if err != nil {
			return nil, err
		}
		if n.staging != nil {
			s.Copy(n.input, 0, n.staging, 0, nIn)
		}
		if train {
			s.Fill(n.g, 0, n.g.Size(), 0)
		}
		n.forward(s, 0, n.Cfg.Batch, train)
		if n.outHost != nil {
			s.Copy(n.outHost, 0, out, 0, n.outHost.Size())
		}
		return s, s.End()
	}
	var err error
	if n.fwdSeq, err = forward("stage-forward", true); err != nil {
		return err
	}
	if n.evalSeq, err = forward("stage-eval", false); err != nil {
		return err
	}
	if n.bwdSeq, err = n.dev.NewSeq("stage-backward", 0); err != nil {
		return err
	}
	b := n.bwdSeq
	if n.dOutHost != nil {
		b.Copy(dOut, 0, n.dOutHost, 0, n.dOutHost.Size())
	}
	n.backward(b, 0)
	if n.dInHost != nil {
		b.Copy(n.dInHost, 0, n.dIn, 0, n.dIn.Size())
	}
	if err := b.End(); err != nil {
		return err
	}
	if n.updateSeq, err = n.dev.NewSeq("stage-update", 0); err != nil {
		return err
	}
	n.recordSGD(n.updateSeq)
	return n.updateSeq.End()
}

// segment host views: where the host writes the input and reads the output, writes the output's
// gradient and reads the input's gradient.
func (n *Net) segIn() []float32 {
	if n.staging != nil {
		return hostF32(n.staging, nil)[:n.Cfg.Batch*n.Arch.In.Size()]
	}
	return hostF32(n.input, nil)
}

func (n *Net) segOut() []float32 {
	return hostF32(n.acts[n.slot[len(n.Arch.Layers)-1]], n.outHost)[:n.Cfg.Batch*n.Shapes[len(n.Shapes)-1].Size()]
}

func (n *Net) segDOut() []float32 {
	return hostF32(n.dacts[n.slot[len(n.Arch.Layers)-1]], n.dOutHost)[:n.Cfg.Batch*n.Shapes[len(n.Shapes)-1].Size()]
}

func (n *Net) segDIn() []float32 { return hostF32(n.dIn, n.dInHost) }
