#version 460
// gemm_reduce: the second pass of a split-K gemm, over the n floats of a C laid out [rows][cols]:
//   c[i] = op((FLAG_ACCUMULATE ? c[i] : 0) + Σ_{s<splits} part[s·n + i])
// op adding bias[i / cols] (FLAG_ROW_BIAS) or bias[i % cols] (FLAG_COL_BIAS), then max(v, 0)
// (FLAG_RELU): the epilogue the split products leave out. Partial products are summed in split
// order, so results are deterministic. One invocation per REDUCE_PER_LANE elements.
// Dispatch: Fold(ceil(n/(LOCAL_SIZE·REDUCE_PER_LANE))). CPU reference: gemmRef (the sum and op).
#include "common.glsl"
layout(local_size_x = LOCAL_SIZE) in;
layout(push_constant, std430) uniform PC { F32 c; F32In part; F32In bias; uint n; uint splits; uint flags; uint cols; } pc;
void main() {
	uint base = (group_id() * LOCAL_SIZE + gl_LocalInvocationID.x) * REDUCE_PER_LANE;
	uint biasMode = pc.flags & FLAG_BIAS;
	for (uint j = 0; j < REDUCE_PER_LANE; j++) {
		uint i = base + j;
		if (i >= pc.n) return;
		float v = (pc.flags & FLAG_ACCUMULATE) != 0u ? pc.c.v[i] : 0.0;
		for (uint s = 0; s < pc.splits; s++) v += pc.part.v[s * pc.n + i];
		if (biasMode == FLAG_ROW_BIAS) v += pc.bias.v[i / pc.cols];
		if (biasMode == FLAG_COL_BIAS) v += pc.bias.v[i % pc.cols];
		if ((pc.flags & FLAG_RELU) != 0u) v = max(v, 0.0);
		pc.c.v[i] = v;
	}
}
