#version 460
// transpose: t[c·R + r] = x[r·C + c] for r < R, c < C (x is R×C row-major, t its C×R transpose).
// Invocation i copies row r = i mod R, columns c0 .. c0 + TRANSPOSE_RUN − 1 (c0 = (i div R) ·
// TRANSPOSE_RUN, clipped at C): neighbouring invocations write neighbouring words of t, and each
// reads a run of one row of x, so the cache line its first read brings in serves the rest.
// Dispatch: Fold(ceil(R·ceil(C/TRANSPOSE_RUN) / LOCAL_SIZE)). CPU reference: transposeRef in
// layers/vk/linear.go.
#include "common.glsl"
layout(local_size_x = LOCAL_SIZE) in;
layout(push_constant, std430) uniform PC {
	F32Out t; F32In x;
	uint R, C, total;
} pc;
void main() {
	uint i = group_id() * LOCAL_SIZE + gl_LocalInvocationID.x;
	if (i >= pc.total) return;
	uint r = i % pc.R, c0 = (i / pc.R) * TRANSPOSE_RUN;
	uint n = min(TRANSPOSE_RUN, pc.C - c0);
	for (uint j = 0; j < n; j++) pc.t.v[(c0 + j) * pc.R + r] = pc.x.v[r * pc.C + c0 + j];
}
