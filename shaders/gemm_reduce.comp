#version 460
// gemm_reduce: c[i] = (accumulate ? c[i] : 0) + Σ_{s<splits} part[s·n + i] for i < n: the second
// pass of a split-K gemm (partial products summed in split order, so results are deterministic).
// One invocation per 4 elements. Dispatch: Fold(ceil(n/256)). CPU reference: gemmRef (the sum).
#include "common.glsl"
layout(local_size_x = 64) in;
layout(push_constant, std430) uniform PC { F32 c; F32In part; uint n; uint splits; uint accumulate; } pc;
void main() {
	uint base = (group_id() * 64 + gl_LocalInvocationID.x) * 4;
	for (uint j = 0; j < 4; j++) {
		uint i = base + j;
		if (i >= pc.n) return;
		float v = pc.accumulate != 0u ? pc.c.v[i] : 0.0;
		for (uint s = 0; s < pc.splits; s++) v += pc.part.v[s * pc.n + i];
		pc.c.v[i] = v;
	}
}
