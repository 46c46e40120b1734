package train

import (
	"fmt"

	"github.com/alexnet-vk/alexnet/gpu"
)

// download reads every parameter tensor and its momentum from the device, in Params order.
func (n *Net) download() (w, v [][]float32, err error) {
	if n.split != nil {
		return n.split.weights()
	}
	all := func(b *gpu.Buffer) ([]float32, error) {
		f := make([]float32, b.Size()/4)
		return f, b.DownloadF32(0, f)
	}
	ws, err := all(n.w)
	if err != nil {
		return nil, nil, err
	}
	vs, err := all(n.v)
	if err != nil {
		return nil, nil, err
	}
	for i, p := range n.Params {
		// Full slice expressions: an append to one tensor must never write into the next.
		lo, hi := n.off[i], n.off[i]+p.Size()
		w = append(w, ws[lo:hi:hi])
		v = append(v, vs[lo:hi:hi])
	}
	return w, v, nil
}

// Weights returns the parameters (Params order) and, when momenta is true, their momenta.
func (n *Net) Weights() (w, v [][]float32, err error) { return n.download() }

// SetWeights uploads parameters (Params order) and, when v is non-nil, momenta; a tensor of the wrong
// size is an error naming it.
func (n *Net) SetWeights(w, v [][]float32) error {
	if len(w) != len(n.Params) || (v != nil && len(v) != len(n.Params)) {
		return fmt.Errorf("%s has %d parameter tensors, got %d", n.Arch.Name, len(n.Params), len(w))
	}
	for i, p := range n.Params {
		if len(w[i]) != p.Size() || (v != nil && len(v[i]) != p.Size()) {
			return fmt.Errorf("parameter %s: %d values, want %d (shape %v)", p.Name, len(w[i]), p.Size(), p.Shape)
		}
	}
	if n.split != nil {
		return n.split.setWeights(w, v)
	}
	for _, r := range n.peers {
		if err := r.SetWeights(w, v); err != nil {
			return err
		}
	}
	for i := range n.Params {
		if err := n.w.UploadF32(n.off[i], w[i]); err != nil {
			return err
		}
		if v != nil {
			if err := n.v.UploadF32(n.off[i], v[i]); err != nil {
				return err
			}
		}
	}
	return nil
}
