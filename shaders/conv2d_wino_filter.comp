#version 460
// conv2d_wino_filter: Winograd F(2×2,3×3)'s filter transform u[ξ][ν][z][a][b] = (G·g·Gᵀ)[ξ][ν] of
// the 3×3 filter g = w[z·M + a][b] (flip 0: forward, M output × Kc input channels per group z) or
// g[r][s] = w[z·Kc + b][a][2−r][2−s] (flip 1: backward-data's flipped, transposed filters), with
// G = [[1,0,0],[½,½,½],[½,−½,½],[0,0,1]]. Layout [16][G][M][Kc]: one gemm operand per (ξ, ν, z).
// One invocation per (z, a, b). Dispatch: Fold(ceil(G·M·Kc / LOCAL_SIZE)).
// CPU reference: winoFilterRef in layers/vk/conv2d_wino_ref.go.
#include "common.glsl"
layout(local_size_x = LOCAL_SIZE) in;
layout(push_constant, std430) uniform PC {
	F32Out u; F32In w;
	uint G, M, Kc, flip;
} pc;
void main() {
	uint id = group_id() * LOCAL_SIZE + gl_LocalInvocationID.x;
	uint total = pc.G * pc.M * pc.Kc;
	if (id >= total) return;
	uint b = id % pc.Kc, za = id / pc.Kc;
	uint a = za % pc.M, z = za / pc.M;
	float g[3][3];
	for (uint r = 0; r < 3; r++) {
		for (uint s = 0; s < 3; s++) {
			g[r][s] = pc.flip == 0u ? pc.w.v[id * 9 + r * 3 + s]
			                        : pc.w.v[((z * pc.Kc + b) * pc.M + a) * 9 + (2 - r) * 3 + (2 - s)];
		}
	}
	float t[4][3]; // G·g
	for (uint s = 0; s < 3; s++) {
		t[0][s] = g[0][s];
		t[1][s] = 0.5 * (g[0][s] + g[1][s] + g[2][s]);
		t[2][s] = 0.5 * (g[0][s] - g[1][s] + g[2][s]);
		t[3][s] = g[2][s];
	}
	for (uint i = 0; i < 4; i++) { // (G·g)·Gᵀ
		uint o = i * 4 * total + id;
		pc.u.v[o] = t[i][0];
		pc.u.v[o + total] = 0.5 * (t[i][0] + t[i][1] + t[i][2]);
		pc.u.v[o + 2 * total] = 0.5 * (t[i][0] - t[i][1] + t[i][2]);
		pc.u.v[o + 3 * total] = t[i][2];
	}
}
