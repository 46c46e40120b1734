package vk

import (
	"fmt"
	"strings"
	"time"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers"
)

// ConvAlgo is a conv2d algorithm: the direct one (implicit gemm, or im2col + gemm) or Winograd
// F(2×2,3×3) or F(2×2,5×5) (conv2d_wino.go, for 3×3 and 5×5 filters at stride 1).
type ConvAlgo string

const (
	AlgoDirect   ConvAlgo = "direct"
	AlgoWinograd ConvAlgo = "winograd"
)

// ConvAlgoModes are the values --conv-algo (and $ALEXNET_CONV_ALGO) takes: auto times both
// algorithms per layer and pass on the device and keeps the faster; direct and winograd force one
// (winograd: Winograd wherever a Winograd form exists, direct elsewhere).
var ConvAlgoModes = []string{"auto", string(AlgoDirect), string(AlgoWinograd)}

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

// Check returns an error when a names an unknown algorithm, or Winograd for a p it cannot run.
func (a ConvAlgos) Check(p layers.Conv2D) error {
	for _, x := range []ConvAlgo{a.Fwd, a.Data, a.Filter} {
		switch {
		case x == AlgoWinograd && !WinogradOK(p):
			return fmt.Errorf("Winograd needs %s (layer has %d×%d, stride %d, pad %d)", WinogradNeeds, p.R, p.S, p.Stride, p.Pad)
		case x != AlgoWinograd && x != AlgoDirect:
			return fmt.Errorf("unknown conv algorithm %q (want direct or winograd)", x)
		}
	}
	return nil
}

// ConvTimes are the measured seconds of each pass of one conv layer by each algorithm (0: not
// measured).
type ConvTimes struct {
	Fwd, Data, Filter [2]float64 // direct, Winograd
}

// Faster returns the faster algorithm of each pass.
func (t ConvTimes) Faster() ConvAlgos {
	pick := func(s [2]float64) ConvAlgo {
		if s[1] > 0 && s[1] < s[0] {
			return AlgoWinograd
		}
		return AlgoDirect
	}
	return ConvAlgos{Fwd: pick(t.Fwd), Data: pick(t.Data), Filter: pick(t.Filter)}
}

// TimeConv runs each pass of p (forward with bias and ReLU, backward-data, backward-filter) by
// both algorithms reps times after one warm-up run (JIT, caches) on buffers of its own, through a
// scratch of scratchFloats floats (the one the caller will record with), and returns the fastest
// run of each. p must pass WinogradOK.
func (l *Lib) TimeConv(p layers.Conv2D, scratchFloats, reps int) (ConvTimes, error) {
	var t ConvTimes
	mustWinograd(p)
	nx, nw, ny := p.N*p.C*p.H*p.W, p.K*p.C/p.Groups*p.R*p.S, p.N*p.K*p.OutH()*p.OutW()
	var bufs []*gpu.Buffer
	defer func() {
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
	passes := []struct {
		out  *[2]float64
		algo int
		rec  func(s *gpu.Seq)
	}{
		{&t.Fwd, 0, func(s *gpu.Seq) { l.Conv2DForward(s, y, x, w, b, p, true, sc) }},
		{&t.Fwd, 1, func(s *gpu.Seq) { l.Conv2DForwardWinograd(s, y, x, w, b, p, true, sc) }},
		{&t.Data, 0, func(s *gpu.Seq) { l.Conv2DBackwardData(s, dx, dy, w, p, sc) }},
		{&t.Data, 1, func(s *gpu.Seq) { l.Conv2DBackwardDataWinograd(s, dx, dy, w, p, sc) }},
		{&t.Filter, 0, func(s *gpu.Seq) { l.Conv2DBackwardFilter(s, dw, db, dy, x, p, sc) }},
		{&t.Filter, 1, func(s *gpu.Seq) { l.Conv2DBackwardFilterWinograd(s, dw, db, dy, x, p, sc) }},
	}
	for _, ps := range passes {
		sec, err := l.timeSeq(ps.rec, reps)
		if err != nil {
			return t, fmt.Errorf("vk: timing conv2d %+v: %w", p, err)
		}
		ps.out[ps.algo] = sec
	}
	return t, nil
}

// timeSeq records rec once, runs it once to warm up, then reps times, and returns the fastest run.
func (l *Lib) timeSeq(rec func(s *gpu.Seq), reps int) (float64, error) {
	s, err := l.Dev.NewSeq("conv-timing", 0)
	if err != nil {
		return 0, err
	}
	defer s.Free()
	rec(s)
	if err := s.End(); err != nil {
		return 0, err
	}
	if err := s.Run(); err != nil {
		return 0, err
	}
	best := 0.0
	for i := 0; i < max(reps, 1); i++ {
		t0 := time.Now()
		if err := s.Run(); err != nil {
			return 0, err
		}
		if sec := time.Since(t0).Seconds(); best == 0 || sec < best {
			best = sec
		}
	}
	return best, nil
}
