package train

import (
	"fmt"
	"math"
	"slices"

	"github.com/alexnet-vk/alexnet/data"
	"github.com/alexnet-vk/alexnet/layers/vk"
)

// validate checks a checkpoint's recorded state as the flags that made it were checked: a known
// architecture whose recorded layers are a valid net consistent with its name, a finite positive
// learning rate, positions and counts that are not negative, positive finite input variances, and
// every recorded flag value acceptable to its flag. LoadCheckpoint calls it, so classify and
// --resume never build a net from a record that would divide by zero or exhaust memory.
func (st *State) validate() error {
	if _, ok := builders[st.Arch]; !ok {
		return fmt.Errorf("architecture %q is not one this program knows (%v)", st.Arch, Names())
	}
	switch {
	case st.Classes < 1 || st.Classes > maxClasses:
		return fmt.Errorf("%d classes, need 1 to %d", st.Classes, maxClasses)
	case st.Channels != 1 && st.Channels != 3:
		return fmt.Errorf("%d input channels, need 1 or 3", st.Channels)
	case st.InputSize < 1 || st.InputSize > maxInput:
		return fmt.Errorf("input size %d, need 1 to %d", st.InputSize, maxInput)
	case math.IsNaN(st.LR) || math.IsInf(st.LR, 0) || st.LR <= 0:
		return fmt.Errorf("learning rate %v, need a finite positive number", st.LR)
	case st.Epoch < 0 || st.Batch < 0 || st.BatchSize < 0 || st.Drops < 0 || st.BadEvals < 0:
		return fmt.Errorf("epoch %d, batch %d, batch size %d, lr drops %d, evaluations without improvement %d: need >= 0",
			st.Epoch, st.Batch, st.BatchSize, st.Drops, st.BadEvals)
	case math.IsNaN(st.BestErr) || st.BestErr < 0 || st.BestErr > 2:
		return fmt.Errorf("best error %v, need 0 to 2", st.BestErr)
	case len(st.ClassNames) > maxClasses:
		return fmt.Errorf("%d class names, more than %d", len(st.ClassNames), maxClasses)
	}
	if w := st.Window; w != nil && (w.N < 0 || w.Top1 < 0 || w.Top5 < 0 || w.Top1 > w.N || w.Top5 > w.N ||
		math.IsNaN(w.Loss) || math.IsInf(w.Loss, 0) || w.Loss < 0) {
		return fmt.Errorf("training window %+v: need 0 <= top-1, top-5 <= n and a finite loss >= 0", *w)
	}
	for name, a := range st.ConvAlgos {
		for _, x := range []vk.ConvAlgo{a.Fwd, a.Data, a.Filter} {
			if x != vk.AlgoDirect && x != vk.AlgoWinograd && x != vk.AlgoWinograd4 {
				return fmt.Errorf("conv algorithm %q of %s: need direct, winograd or winograd4", x, name)
			}
		}
	}
	if err := st.Norm.validate(st.Channels); err != nil {
		return err
	}
	if len(st.Layers) > 0 {
		if _, _, err := st.RecordedArch(); err != nil {
			return err
		}
	}
	var c Config
	for name, v := range st.Config {
		if d, ok := lookupFlag(name); ok && d.notRecorded == "" {
			if err := d.value(&c).Set(v); err != nil {
				return fmt.Errorf("recorded --%s %v", name, err)
			}
		}
	}
	return nil
}

// validate checks a recorded input normalisation: a known mode, and for the modes computed from
// the training set one finite mean and one positive finite variance per input channel.
func (n *InputNorm) validate(channels int) error {
	if n == nil {
		return nil
	}
	if _, err := data.ParseNorm(n.Mode); err != nil {
		return fmt.Errorf("input normalisation: %v", err)
	}
	if len(n.ChannelMean) != len(n.ChannelVar) || (len(n.ChannelMean) != 0 && len(n.ChannelMean) != channels) {
		return fmt.Errorf("input normalisation %s: %d means and %d variances for %d channels", n.Mode, len(n.ChannelMean), len(n.ChannelVar), channels)
	}
	for c := range n.ChannelMean {
		m, v := n.ChannelMean[c], n.ChannelVar[c]
		if math.IsNaN(m) || math.IsInf(m, 0) || math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
			return fmt.Errorf("input normalisation %s: channel %d has mean %v and variance %v, need finite values and a positive variance", n.Mode, c, m, v)
		}
	}
	return nil
}

// consistentWith checks that recorded layers a fit the architecture name they were recorded under:
// the named architecture's input shape and parameter names, in order (the names are what the
// checkpoint's tensors, and torchvision's, are called; the shapes behind them may differ).
func consistentWith(a Arch) error {
	b, ok := builders[a.Name]
	if !ok {
		return fmt.Errorf("architecture %q is not one this program knows (%v)", a.Name, Names())
	}
	ref := b(a.Classes, a.In.C, a.In.H)
	if ref.In != a.In {
		return fmt.Errorf("%s takes %v images, but its record says %v", a.Name, ref.In, a.In)
	}
	names := func(x Arch) []string {
		var n []string
		for _, l := range x.Layers {
			if l.HasParams() {
				n = append(n, l.WName, l.BName)
			}
		}
		return n
	}
	if got, want := names(a), names(ref); !slices.Equal(got, want) {
		return fmt.Errorf("the recorded layers' parameters %v are not %s's %v", got, a.Name, want)
	}
	return nil
}
