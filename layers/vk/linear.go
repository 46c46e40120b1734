package vk

import (
	"fmt"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers"
	"github.com/alexnet-vk/alexnet/shaders"
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
//
// As a gemm with rows = samples, w (stored [Out][In]) is B running along k, not along its columns.
// On variants whose lanes read B's columns themselves (Variant.LaneColumns: the CPU-shaped register
// tiles) each lane would then read another row of w at every k step. There, at batches that fill
// the Mid kernel's tiles well enough (linearTransposed), it runs as yᵀ = w·xᵀ instead: x
// transposed (transpose, In × N, a fraction of w's size) into a scratch buffer the Lib owns, rows
// = output units (w's rows, read along k as A is meant to be), columns = the samples, contiguous
// in xᵀ, on the variant's Mid kernel, C written through strides straight into y's [N][Out]
// layout, the bias per row. The shared-memory variants stage B along k themselves and keep the
// direct form.
func (l *Lib) LinearForward(s *gpu.Seq, y, x, w, b gpu.Arg, p layers.Linear, relu bool) {
	checkLinear(p, x, w, y)
	g := Gemm{M: p.N, N: p.Out, ND: p.Out, K1: 1, K2: p.In, Z: 1,
		SAm: p.In, SAk2: 1, SBk2: 1, SBn2: p.In, SCm: p.Out, SCn2: 1, ReLU: relu}
	bias := ColBias
	if l.linearTransposed(p) {
		xt := l.transposed(p.N * p.In)
		l.transpose(s, xt, x, p.N, p.In)
		g = Gemm{M: p.Out, N: p.N, ND: p.N, K1: 1, K2: p.In, Z: 1,
			SAm: p.In, SAk2: 1, SBk2: p.N, SBn2: 1, SCm: 1, SCn2: p.Out, ReLU: relu, mid: true}
		x, w, bias = w, xt, RowBias
	}
	if b != nil {
		mustFit("linear b", b, p.Out)
		g.Bias = bias
	}
	l.Gemm(s, y, x, w, b, g)
}

// linearTransposed reports whether LinearForward takes its transposed form for p: on a LaneColumns
// variant, where the samples fill at least 3/4 of the Mid kernel's column tiles (4·N ≥
// 3·MidCols·⌈N/MidCols⌉: N ≥ 96, and 192 … 256, 288 … 384, ... past one tile). The transposed
// form's cost goes by the column tiles, the direct form's by the samples; measured on lavapipe (2
// shared cores, AVX-512; BenchmarkLinearForward, 3 runs each, ms direct/transposed): 4096×4096 at
// N = 32: 134/333, 48: 177/371, 64: 220/224, 96: 525/577 (noisy; a tie), 130: 929/1398, 256:
// 859/552; 9216×4096 at N = 16: 117/465, 128: 1486/328; 4096×1000 at N = 48: 58/93, 128: 103/63;
// 1024×512 at N = 32: 4.5/7.1, 64: 6.2/7.3.
func (l *Lib) linearTransposed(p layers.Linear) bool {
	switch l.linearForm {
	case linearDirect:
		return false
	case linearTransposed:
		return true
	}
	v := l.Choice.Of(ProductGemm)
	return v.LaneColumns && v.Mid != "" && 4*p.N >= 3*v.MidCols*gpu.DivUp(p.N, v.MidCols)
}

// LinearForward's forms (Lib.linearForm; 0 lets it choose).
const (
	linearDirect = iota + 1
	linearTransposed
)

// transposed returns the Lib's scratch buffer for LinearForward's transposed input, of at least
// floats. Every LinearForward the Lib records shares it (a sequence's dispatches run in order,
// each transposing just before its product), and it is kept until Free, since recorded sequences
// go on using it.
func (l *Lib) transposed(floats int) gpu.Arg {
	if l.xt == nil || l.xt.Size() < int64(floats)*4 {
		b, err := l.Dev.NewBuffer("linear.xt", int64(floats)*4, gpu.DeviceMemory)
		if err != nil {
			panic(fmt.Sprintf("vk: linear forward's transposed input, %d floats: %v", floats, err))
		}
		l.xt = b
		l.owned = append(l.owned, b)
	}
	return l.xt
}

var kTranspose = register("transpose", transposePC{})

// transposePC mirrors transpose.comp's push constants.
type transposePC struct {
	T, X        gpu.Arg
	R, C, Total uint32
}

// transpose records t = xᵀ for x of r rows × c columns (row-major): t[j·r + i] = x[i·c + j].
func (l *Lib) transpose(s *gpu.Seq, t, x gpu.Arg, r, c int) {
	mustFit("transpose x", x, r*c)
	mustFit("transpose t", t, r*c)
	n := r * gpu.DivUp(c, shaders.TransposeRun)
	l.dispatch1D(s, kTranspose, n, 1, transposePC{T: t, X: x, R: u32(r), C: u32(c), Total: u32(n)})
}

// transposeRef is the CPU reference of transpose: t[j·r + i] = x[i·c + j] for i < r, j < c.
func transposeRef(t, x []float32, r, c int) {
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			t[j*r+i] = x[i*c+j]
		}
	}
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
