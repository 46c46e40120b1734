package train

import "fmt"

// The paper's split (§3.2) runs each half of the network's kernels on its own GPU; the halves
// ("towers") meet only where a layer reads every channel. planSplit cuts a network into stages that
// every tower runs on its own device: between two stages the towers exchange data through the host.
//
// A tensor between layers is either whole on every tower (the input image; anything after a
// gather) or local: tower t holds channels [t·C/T, (t+1)·C/T). Layers need:
//   - conv2d with one group, linear: the whole input; each tower computes its share of the outputs.
//   - conv2d whose groups are a multiple of T: local input (each tower's groups read only its own
//     channels); a local output.
//   - lrn: local input when its groups are a multiple of T (the paper's per-tower LRN), else whole.
//   - dropout: whole input, so that every element keeps its mask (keyed by its place in the whole
//     tensor); every tower applies it to the whole tensor.
//   - relu, maxpool, avgpool: either; the output is like the input.
//
// Going from local to whole is a gather (every tower receives the others' channels; backward: each
// tower's gradient of the whole tensor is summed over the towers and each keeps its channels). Going
// from whole to local is a slice (no traffic; backward: a gather of the local gradients). The logits
// are gathered for the loss. For the paper's network this gives its exchanges: conv3's input, and
// fc6, fc7 and fc8's inputs (dropout sits on fc6/fc7's outputs, so fc7 and fc8 read whole tensors).

// splitStage is a run of layers [lo, hi) that every tower runs without exchanging data.
type splitStage struct {
	lo, hi      int
	wholeIn     bool   // the stage reads whole tensors (else each tower its channels)
	wholeOut    bool   // it writes whole tensors
	in, out     Shape  // whole shapes of its input and output
	towers      []Arch // each tower's layers, input and parameter shapes
	inC, outC   []int  // each tower's channels of the input and output (the whole count when whole)
	inLo, outLo []int  // each tower's first channel
}

// part returns tower t's channels [lo, hi) of c split over towers.
func part(c, t, towers int) (lo, hi int) { return shareOf(c, t, towers) }

// needsWhole reports whether layer l needs a whole input when split over towers; an error names a
// layer that cannot be split.
func needsWhole(l Layer, whole bool, towers int) (bool, error) {
	switch l.Kind {
	case Conv:
		switch {
		case l.Groups <= 1:
			return true, nil
		case l.Groups%towers == 0:
			return false, nil
		}
		return false, fmt.Errorf("%s has %d groups, which do not split over %d towers", l.Name, l.Groups, towers)
	case Linear, Dropout:
		return true, nil
	case LRN:
		if l.Groups > 1 && l.Groups%towers == 0 {
			return whole, nil
		}
		return true, nil
	}
	return whole, nil
}

// planSplit cuts a into the stages of a split over towers.
func planSplit(a Arch, towers int) ([]splitStage, error) {
	if towers < 2 {
		return nil, fmt.Errorf("--split %d: need at least 2 towers", towers)
	}
	shapes, err := a.Shapes()
	if err != nil {
		return nil, err
	}
	var stages []splitStage
	whole := true // the input image is on every tower
	in := a.In
	cur := &splitStage{lo: 0, wholeIn: true, in: in}
	for i, l := range a.Layers {
		need, err := needsWhole(l, whole, towers)
		if err != nil {
			return nil, fmt.Errorf("--split %d: %v", towers, err)
		}
		if need != whole { // an exchange: end the stage before layer i
			if i == cur.lo {
				return nil, fmt.Errorf("--split %d: %s cannot start the network", towers, l.Name)
			}
			cur.hi, cur.wholeOut, cur.out = i, whole, in
			stages = append(stages, *cur)
			cur = &splitStage{lo: i, wholeIn: need, in: in}
			whole = need
		}
		if l.Kind == Conv || l.Kind == Linear {
			if l.Out < towers {
				return nil, fmt.Errorf("--split %d: %s has %d outputs, fewer than the towers", towers, l.Name, l.Out)
			}
			whole = false
		}
		in = shapes[i]
	}
	cur.hi, cur.wholeOut, cur.out = len(a.Layers), whole, in
	stages = append(stages, *cur)
	for s := range stages {
		if err := stages[s].build(a, towers); err != nil {
			return nil, err
		}
	}
	return stages, nil
}

// build derives each tower's layers and channel ranges for a stage.
func (st *splitStage) build(a Arch, towers int) error {
	for t := 0; t < towers; t++ {
		ta := Arch{Name: fmt.Sprintf("%s tower %d layers %d-%d", a.Name, t, st.lo, st.hi-1), In: st.in, Classes: a.Classes}
		ilo, ihi := 0, st.in.C
		if !st.wholeIn {
			ilo, ihi = part(st.in.C, t, towers)
		}
		ta.In.C = ihi - ilo
		whole := st.wholeIn
		for _, l := range a.Layers[st.lo:st.hi] {
			switch l.Kind {
			case Conv:
				lo, hi := part(l.Out, t, towers)
				l.Out = hi - lo
				if l.Groups > 1 {
					l.Groups /= towers
				}
				whole = false
			case Linear:
				lo, hi := part(l.Out, t, towers)
				l.Out = hi - lo
				whole = false
			case LRN:
				if !whole && l.Groups > 1 {
					l.Groups /= towers
				}
			}
			ta.Layers = append(ta.Layers, l)
		}
		if _, err := ta.Shapes(); err != nil {
			return fmt.Errorf("--split %d: %v", towers, err)
		}
		olo, ohi := 0, st.out.C
		if !st.wholeOut {
			olo, ohi = part(st.out.C, t, towers)
		}
		st.towers = append(st.towers, ta)
		st.inC, st.inLo = append(st.inC, ihi-ilo), append(st.inLo, ilo)
		st.outC, st.outLo = append(st.outC, ohi-olo), append(st.outLo, olo)
	}
	return nil
}

// describe says where the stage's input comes from, for logs and tests.
func (st *splitStage) describe(prev *splitStage) string {
	switch {
	case prev == nil:
		return "input"
	case prev.wholeOut == st.wholeIn:
		return "keep"
	case st.wholeIn:
		return "gather"
	}
	return "slice"
}
