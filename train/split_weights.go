package train

import "fmt"

// A split net's parameters: tower t holds rows [t·K/T, (t+1)·K/T) of every conv2d and linear
// layer's weight and bias (K outputs), so the whole tensors are the towers' blocks in order.

// locate returns, for whole parameter i, its stage and its index among that stage's parameters.
func (sp *splitNet) locate(i int) (stage, j int) {
	p := sp.n.Params[i]
	for s, st := range sp.stages {
		if p.Layer >= st.lo && p.Layer < st.hi {
			for k, q := range sp.segs[0][s].Params {
				if q.Layer == p.Layer-st.lo && q.IsBias == p.IsBias {
					return s, k
				}
			}
		}
	}
	panic(fmt.Sprintf("train: split: parameter %s has no tower copy", p.Name))
}

// weights assembles the whole parameters and momenta from the towers' row blocks.
func (sp *splitNet) weights() (w, v [][]float32, err error) {
	tw := make([][][][]float32, len(sp.segs)) // [tower][stage] → weights
	tv := make([][][][]float32, len(sp.segs))
	for t := range sp.segs {
		for _, seg := range sp.segs[t] {
			a, b, err := seg.Weights()
			if err != nil {
				return nil, nil, err
			}
			tw[t], tv[t] = append(tw[t], a), append(tv[t], b)
		}
	}
	for i, p := range sp.n.Params {
		s, j := sp.locate(i)
		wi, vi := make([]float32, 0, p.Size()), make([]float32, 0, p.Size())
		for t := range sp.segs {
			wi, vi = append(wi, tw[t][s][j]...), append(vi, tv[t][s][j]...)
		}
		w, v = append(w, wi), append(v, vi)
	}
	return w, v, nil
}

// setWeights hands each tower its rows of the whole parameters (and momenta, when v is non-nil).
func (sp *splitNet) setWeights(w, v [][]float32) error {
	n := sp.n
	if len(w) != len(n.Params) || (v != nil && len(v) != len(n.Params)) {
		return fmt.Errorf("%s has %d parameter tensors, got %d", n.Arch.Name, len(n.Params), len(w))
	}
	for i, p := range n.Params {
		if len(w[i]) != p.Size() || (v != nil && len(v[i]) != p.Size()) {
			return fmt.Errorf("parameter %s: %d values, want %d (shape %v)", p.Name, len(w[i]), p.Size(), p.Shape)
		}
	}
	for t := range sp.segs {
		for s, seg := range sp.segs[t] {
			sw := make([][]float32, len(seg.Params))
			var sv [][]float32
			if v != nil {
				sv = make([][]float32, len(seg.Params))
			}
			for i, p := range n.Params {
				ps, j := sp.locate(i)
				if ps != s {
					continue
				}
				row := p.Size() / p.Shape[0]
				lo, hi := part(p.Shape[0], t, len(sp.segs))
				sw[j] = w[i][lo*row : hi*row]
				if v != nil {
					sv[j] = v[i][lo*row : hi*row]
				}
			}
			if err := seg.SetWeights(sw, sv); err != nil {
				return err
			}
		}
	}
	return nil
}

// paramData returns the first conv layer's whole weight (or bias).
func (sp *splitNet) paramData(bias bool) ([]float32, error) {
	w, _, err := sp.weights()
	if err != nil {
		return nil, err
	}
	fc := firstConv(sp.n.Arch)
	for i, p := range sp.n.Params {
		if p.Layer == fc && p.IsBias == bias {
			return w[i], nil
		}
	}
	return nil, fmt.Errorf("%s has no conv layer", sp.n.Arch.Name)
}
