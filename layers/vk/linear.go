package vk

import (
	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers"
)

// Linear layers are gemm calls: rows are samples for y and dx, output units for dw.

func checkLinear(p layers.Linear, x, w, y gpu.Arg) {
	if err := p.Validate(); err != nil {
		panic("vk: " + err.Error())
	}
	mustFit("linear x/dx", x, p.N*p.In)
	mustFit("linear w/dw", w, p.Out*p.In)
	mustFit("linear y/dy", y, p.N*p.Out)
}

// LinearForward records y = x·wᵀ + b (ReLU fused when relu), as layers.LinearForward; b may be nil.
func (l *Lib) LinearForward(s *gpu.Seq, y, x, w, b gpu.Arg, p layers.Linear, relu bool) {
	checkLinear(p, x, w, y)
	g := Gemm{M: p.N, N: p.Out, ND: p.Out, K1: 1, K2: p.In, Z: 1,
		SAm: p.In, SAk2: 1, SBk2: 1, SBn2: p.In, SCm: p.Out, SCn2: 1, ReLU: relu}
	if b != nil {
		mustFit("linear b", b, p.Out)
		g.Bias = ColBias
	}
	l.Gemm(s, y, x, w, b, g)
}

// LinearBackwardData records dx = dy·w (overwritten), as layers.LinearBackwardData.
func (l *Lib) LinearBackwardData(s *gpu.Seq, dx, dy, w gpu.Arg, p layers.Linear) {
	checkLinear(p, dx, w, dy)
	l.Gemm(s, dx, dy, w, nil, Gemm{M: p.N, N: p.In, ND: p.In, K1: 1, K2: p.Out, Z: 1,
		SAm: p.Out, SAk2: 1, SBk2: p.In, SBn2: 1, SCm: p.In, SCn2: 1})
}

// LinearBackwardWeight records dw += dyᵀ·x and db += Σ_n dy (db may be nil), as layers.LinearBackwardWeight.
func (l *Lib) LinearBackwardWeight(s *gpu.Seq, dw, db, dy, x gpu.Arg, p layers.Linear) {
	checkLinear(p, x, dw, dy)
	l.Gemm(s, dw, dy, x, nil, Gemm{M: p.Out, N: p.In, ND: p.In, K1: 1, K2: p.N, Z: 1,
		SAm: 1, SAk2: p.Out, SBk2: p.In, SBn2: 1, SCm: p.In, SCn2: 1, Accumulate: true})
	if db != nil {
		mustFit("linear db", db, p.Out)
		l.biasGrad(s, db, dy, p.Out, p.N, 1, p.Out, 1)
	}
}
