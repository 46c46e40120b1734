package train

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// KernelTime is the device time of one recorded command (summed over identical labels).
type KernelTime struct {
	Label string // "<layer>.fwd:<kernel>", "<layer>.bwd:<kernel>", "loss:…", "sgd:…"
	D     time.Duration
	Count int
}

// Profile returns the device time of every command of the last training step, grouped by label and
// sorted by time, when the net was built with NetConfig.Profile.
func (n *Net) Profile() ([]KernelTime, error) {
	if n.trainSeq == nil {
		return nil, fmt.Errorf("%s: no per-kernel profile of a split net (profile one tower's layers on one device)", n.Arch.Name)
	}
	ts, err := n.trainSeq.Timings()
	if err != nil {
		return nil, err
	}
	sum := map[string]*KernelTime{}
	var order []string
	for _, t := range ts {
		k := sum[t.Label]
		if k == nil {
			k = &KernelTime{Label: t.Label}
			sum[t.Label] = k
			order = append(order, t.Label)
		}
		k.D += t.D
		k.Count++
	}
	out := make([]KernelTime, 0, len(order))
	for _, l := range order {
		out = append(out, *sum[l])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].D > out[j].D })
	return out, nil
}

// Layer returns the layer part of a profile label.
func (k KernelTime) Layer() string { return strings.SplitN(k.Label, ":", 2)[0] }
