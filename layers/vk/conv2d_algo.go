package vk

import (
	"fmt"
	"strings"
	"time"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers"
)

// ConvAlgo is a conv2d algorithm: the direct one (implicit gemm, or im2col + gemm), Winograd
// F(2×2,3×3) or F(2×2,5×5) ("winograd", for 3×3 and 5×5 filters at stride 1), or Winograd
// F(4×4,3×3) ("winograd4", 3×3 filters at stride 1); conv2d_wino.go.
type ConvAlgo string

const (
	AlgoDirect    ConvAlgo = "direct"
	AlgoWinograd  ConvAlgo = "winograd"
	AlgoWinograd4 ConvAlgo = "winograd4"
)

// WinoTile returns the output tile side of a's Winograd form (2 or 4), 0 for direct.
func (a ConvAlgo) WinoTile() int {
	switch a {
	case AlgoWinograd:
		return 2
	case AlgoWinograd4:
		return 4
	}
	return 0
}

// winoAlgo returns the algorithm of the Winograd form with m×m output tiles.
func winoAlgo(m int) ConvAlgo {
	if m == 4 {
		return AlgoWinograd4
	}
	return AlgoWinograd
}

// ConvAlgoModes are the values --conv-algo (and $ALEXNET_CONV_ALGO) takes: auto times direct and
// every Winograd form of the layer (WinogradTiles) per layer and pass on the device and keeps the
// fastest; the others force one
// where the layer has a Winograd form, direct elsewhere: direct; winograd (F(2×2,3×3) or F(2×2,5×5));
// winograd4 (F(4×4,3×3) on 3×3 layers, F(2×2,5×5) on 5×5 ones).
var ConvAlgoModes = []string{"auto", string(AlgoDirect), string(AlgoWinograd), string(AlgoWinograd4)}

// ForcedConvAlgo returns the algorithms mode (direct, winograd or winograd4) forces on p.
func ForcedConvAlgo(mode string, p layers.Conv2D) ConvAlgos {
	tiles := WinogradTiles(p)
	switch {
	case len(tiles) == 0 || mode == string(AlgoDirect):
		return AllConv(AlgoDirect)
	case mode == string(AlgoWinograd4):
		return AllConv(winoAlgo(tiles[len(tiles)-1]))
	}
	return AllConv(AlgoWinograd)
}

// CheckConvAlgoMode returns an error naming the accepted values when mode is not one of them ("" is auto).
func CheckConvAlgoMode(mode string) error {
	for _, m := range ConvAlgoModes {
		if mode == m || mode == "" {
			return nil
		}
	}
	return fmt.Errorf("--conv-algo/ALEXNET_CONV_ALGO %q: want one of %s", mode, strings.Join(ConvAlgoModes, ", "))
}

// ConvAlgos is one conv layer's algorithm per pass.
type ConvAlgos struct {
	Fwd    ConvAlgo `json:"fwd"`
	Data   ConvAlgo `json:"data"`
	Filter ConvAlgo `json:"filter"`
}

// AllConv returns a for every pass.
func AllConv(a ConvAlgo) ConvAlgos { return ConvAlgos{Fwd: a, Data: a, Filter: a} }

func (a ConvAlgos) String() string {
	return fmt.Sprintf("fwd %s, data %s, filter %s", a.Fwd, a.Data, a.Filter)
}

// Uses reports whether any pass of a runs x.
func (a ConvAlgos) Uses(x ConvAlgo) bool { return a.Fwd == x || a.Data == x || a.Filter == x }

// Check returns an error when a names an unknown algorithm, or a Winograd form for a p it cannot run.
func (a ConvAlgos) Check(p layers.Conv2D) error {
	for _, x := range []ConvAlgo{a.Fwd, a.Data, a.Filter} {
		switch {
		case x != AlgoWinograd && x != AlgoWinograd4 && x != AlgoDirect:
			return fmt.Errorf("unknown conv algorithm %q (want direct, winograd or winograd4)", x)
		case x != AlgoDirect && !WinogradOK(p):
			return fmt.Errorf("Winograd needs %s (layer has %d×%d, stride %d, pad %d)", WinogradNeeds, p.R, p.S, p.Stride, p.Pad)
		case x == AlgoWinograd4 && p.R != 3:
			return fmt.Errorf("Winograd F(4×4,3×3) (winograd4) needs 3×3 filters (layer has %d×%d)", p.R, p.S)
		}
	}
	return nil
}

// ConvTimes are the measured seconds of each pass of one conv layer by each algorithm (0: not
// measured; F(4×4,3×3) is measured for 3×3 filters only).
type ConvTimes struct {
	Fwd, Data, Filter [3]float64 // direct, Winograd F(2×2,R×R), Winograd F(4×4,3×3)
	Images            int        // the images timed (p.N of TimeConv)
	Rounds            int        // the timed runs of each pass and algorithm
}

// convTimeAlgos are the algorithms of ConvTimes' columns.
var convTimeAlgos = [3]ConvAlgo{AlgoDirect, AlgoWinograd, AlgoWinograd4}

// Faster returns the fastest measured algorithm of each pass (direct when nothing was measured).
func (t ConvTimes) Faster() ConvAlgos {
	pick := func(s [3]float64) ConvAlgo {
		best := 0
		for i := 1; i < len(s); i++ {
			if s[i] > 0 && (s[best] == 0 || s[i] < s[best]) {
				best = i
			}
		}
		return convTimeAlgos[best]
	}
	return ConvAlgos{Fwd: pick(t.Fwd), Data: pick(t.Data), Filter: pick(t.Filter)}
}

// Timing budget of TimeConv: every candidate (pass and algorithm) runs once per round, the rounds
// interleaved so that a machine that slows down for a while slows every candidate alike; at least
// reps rounds, more while the timed runs have taken less than convTimingBudget seconds in all, at
// most convTimingMaxRounds. Small layers (a millisecond a run) so get the ten rounds their noise
// needs, large ones (tens of milliseconds) the minimum.
const (
	convTimingBudget    = 0.15
	convTimingMaxRounds = 10
)

// TimeConv runs each pass of p (forward with bias and ReLU, backward-data, backward-filter; the
// forward alone when forwardOnly, for a net that never trains) by the direct algorithm and the
// Winograd forms F(m×m,R×R) of tiles (each m one of WinogradTiles(p)) after one warm-up run each
// (JIT, caches), on buffers of its own, through a scratch of scratchFloats floats (the one the
// caller will record with), in at least reps interleaved rounds (see convTimingBudget), and returns
// the fastest run of each (0 for a pass not timed). p must pass WinogradOK.
func (l *Lib) TimeConv(p layers.Conv2D, tiles []int, scratchFloats, reps int, forwardOnly bool) (ConvTimes, error) {
	t := ConvTimes{Images: p.N}
	for _, m := range tiles {
		mustWinograd(p, m)
	}
	nx, nw, ny := p.N*p.C*p.H*p.W, p.K*p.C/p.Groups*p.R*p.S, p.N*p.K*p.OutH()*p.OutW()
	var bufs []*gpu.Buffer
	var seqs []*gpu.Seq
	defer func() {
		for _, s := range seqs {
			s.Free()
		}
		for _, b := range bufs {
			b.Free()
		}
	}()
	buf := func(n int) (*gpu.Buffer, error) {
		b, err := l.Dev.NewBuffer("conv-timing", int64(n)*4, gpu.DeviceMemory)
		if err != nil {
			return nil, err
		}
		bufs = append(bufs, b)
		v := make([]float32, n) // values in [-0.5, 0.5]: no denormals, no overflow
		for i := range v {
			v[i] = float32(i*7919%255)/255 - 0.5
		}
		return b, b.UploadF32(0, v)
	}
	var x, w, b, y, dy, dx, dw, db, sc *gpu.Buffer
	for _, a := range []struct {
		b **gpu.Buffer
		n int
	}{{&x, nx}, {&w, nw}, {&b, p.K}, {&y, ny}, {&dy, ny}, {&dx, nx}, {&dw, nw}, {&db, p.K}, {&sc, scratchFloats}} {
		var err error
		if *a.b, err = buf(a.n); err != nil {
			return t, fmt.Errorf("vk: timing conv2d %+v: %w", p, err)
		}
	}
	type pass struct {
		out  *[3]float64
		algo int
		rec  func(s *gpu.Seq)
	}
	passes := []pass{
		{&t.Fwd, 0, func(s *gpu.Seq) { l.Conv2DForward(s, y, x, w, b, p, true, sc) }},
		{&t.Data, 0, func(s *gpu.Seq) { l.Conv2DBackwardData(s, dx, dy, w, p, sc) }},
		{&t.Filter, 0, func(s *gpu.Seq) { l.Conv2DBackwardFilter(s, dw, db, dy, x, p, sc) }},
	}
	for _, m := range tiles {
		i := m / 2 // column 1 (tile 2) or 2 (tile 4)
		passes = append(passes,
			pass{&t.Fwd, i, func(s *gpu.Seq) { l.Conv2DForwardWinograd(s, y, x, w, b, p, true, m, sc) }},
			pass{&t.Data, i, func(s *gpu.Seq) { l.Conv2DBackwardDataWinograd(s, dx, dy, w, p, m, sc) }},
			pass{&t.Filter, i, func(s *gpu.Seq) { l.Conv2DBackwardFilterWinograd(s, dw, db, dy, x, p, m, sc) }})
	}
	var timed []pass
	for _, ps := range passes {
		if forwardOnly && ps.out != &t.Fwd {
			continue
		}
		s, err := l.Dev.NewSeq("conv-timing", 0)
		if err != nil {
			return t, fmt.Errorf("vk: timing conv2d %+v: %w", p, err)
		}
		seqs = append(seqs, s)
		ps.rec(s)
		if err := s.End(); err != nil {
			return t, fmt.Errorf("vk: timing conv2d %+v: %w", p, err)
		}
		if err := s.Run(); err != nil { // the warm-up run
			return t, fmt.Errorf("vk: timing conv2d %+v: %w", p, err)
		}
		timed = append(timed, ps)
	}
	spent := 0.0
	for t.Rounds < max(reps, 1) || (spent < convTimingBudget && t.Rounds < convTimingMaxRounds) {
		for i, ps := range timed {
			t0 := time.Now()
			if err := seqs[i].Run(); err != nil {
				return t, fmt.Errorf("vk: timing conv2d %+v: %w", p, err)
			}
			sec := time.Since(t0).Seconds()
			spent += sec
			if best := &ps.out[ps.algo]; *best == 0 || sec < *best {
				*best = sec
			}
		}
		t.Rounds++
	}
	return t, nil
}
