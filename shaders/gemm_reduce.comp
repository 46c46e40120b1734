#version 460
// gemm_reduce: c[i] = (accumulate ? c[i] : 0) + Σ_{s<splits} part[s·n + i] for i < n: the second
// pass of a split-K gemm (partial products summed in split order, so results are deterministic).
// One invocation per REDUCE_PER_LANE elements. Dispatch: Fold(ceil(n/(LOCAL_SIZE·REDUCE_PER_LANE))). CPU reference: gemmRef (the sum).
#include "common.glsl"
layout(local_size_x = LOCAL_SIZE) in;
layout(push_constant, std430) uniform PC { F32 c; F32In part; uint n; uint splits; uint accumulate; } pc;
void main() {
	uint base = (group_id() * LOCAL_SIZE + gl_LocalInvocationID.x) * REDUCE_PER_LANE;
	for (uint j = 0; j < REDUCE_PER_LANE; j++) {
		uint i = base + j;
		if (i >= pc.n) return;
		float v = pc.accumulate != 0u ? pc.c.v[i] : 0.0;
		for (uint s = 0; s < pc.splits; s++) v += pc.part.v[s * pc.n + i];
		pc.c.v[i] = v;
	}
}
