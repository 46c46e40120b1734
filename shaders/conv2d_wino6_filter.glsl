// conv2d_wino6_filter: the filter transform of a Winograd form on 6×6 tiles (conv2d_wino6.glsl),
// u[ξ][ν][z][a][b] = (G·g·Gᵀ)[ξ][ν] of the WR×WR filter g = w[z·M + a][b] (flip 0: forward, M output
// × Kc input channels per group z) or g[r][s] = w[z·Kc + b][a][WR−1−r][WR−1−s] (flip 1:
// backward-data's flipped, transposed filters). Layout [36][G][M][Kc]: one gemm operand per
// (ξ, ν, z). One invocation per (z, a, b). Dispatch: Fold(ceil(G·M·Kc / LOCAL_SIZE)).
// CPU reference: winoFilterRef in layers/vk/conv2d_wino_ref.go.
#include "common.glsl"
#include "conv2d_wino6.glsl"
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
	float g[WR][WR];
	for (uint r = 0; r < WR; r++) {
		for (uint s = 0; s < WR; s++) {
			g[r][s] = pc.flip == 0u ? pc.w.v[id * WR * WR + r * WR + s]
			                        : pc.w.v[((z * pc.Kc + b) * pc.M + a) * WR * WR + (WR - 1 - r) * WR + (WR - 1 - s)];
		}
	}
	float t[WA][WR]; // G·g
	for (uint i = 0; i < WA; i++) {
		for (uint s = 0; s < WR; s++) {
			float v = 0.0;
			for (uint r = 0; r < WR; r++) v += WG[i][r] * g[r][s];
			t[i][s] = v;
		}
	}
	for (uint i = 0; i < WA; i++) { // (G·g)·Gᵀ
		for (uint j = 0; j < WA; j++) {
			float v = 0.0;
			for (uint s = 0; s < WR; s++) v += t[i][s] * WG[j][s];
			pc.u.v[(i * WA + j) * total + id] = v;
		}
	}
}
