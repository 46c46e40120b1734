package vk

import "github.com/alexnet-vk/alexnet/gpu"

// minSplitSteps is the fewest k steps autoSplit leaves a split: fewer, and writing and summing the
// partial products costs more than the parallelism gains.
const minSplitSteps = 256

// plainC reports whether C is one [M][N] matrix (Z = 1, rows N apart, columns contiguous): then
// gemm_reduce can find each element's row and column, and so apply a bias after a split-K.
func (g Gemm) plainC() bool {
	return g.Z == 1 && g.ND == g.N && g.SCm == g.N && g.SCn2 == 1
}

// autoSplit returns g split along k when its tiles (cols wide on variant v) make fewer than a
// quarter of v's Workgroups: its single k range (K1 = 1) becomes Splits blocks of K2/Splits steps
// (Splits divides K2, each block at least minSplitSteps long), as many as bring it near
// Workgroups. C must be plain (plainC); otherwise, or where no such split exists, g is unchanged.
// Linear layers at a GPU's batch sizes are the case: fc6 forward at batch 128 has 32 tiles of
// 128×128.
func (g Gemm) autoSplit(v *Variant, cols int) Gemm {
	groups := gpu.DivUp(g.M, v.Rows) * gpu.DivUp(g.N, cols) * g.Z
	if g.K1 != 1 || !g.plainC() || 4*groups > v.Workgroups {
		return g
	}
	want := min(v.Workgroups/groups, g.K2/minSplitSteps)
	s := want
	for s > 1 && g.K2%s != 0 {
		s--
	}
	if s < 2 {
		return g
	}
	g.K1, g.K2, g.Splits = s, g.K2/s, s
	g.SAk1, g.SBk1 = g.K2*g.SAk2, g.K2*g.SBk2
	return g
}
