#version 460
// conv2d_wino5_dout: the adjoint of Winograd F(2×2,5×5)'s output transform, for backward-filter:
// e[ξ][ν][k][t] = (A·δ·Aᵀ)[ξ][ν] of the 2×2 tile δ[i][j] = dy[n, k, 2·th + i, 2·tw + j] (0 outside
// OH×OW), t = (n·TH + th)·TW + tw, Aᵀ in conv2d_wino5.glsl. Layout [36][K][T]. One invocation per
// (k, t), t fastest. Dispatch: Fold(ceil(K·T / LOCAL_SIZE)).
// CPU reference: winoDoutRef in layers/vk/conv2d_wino_ref.go.
#include "common.glsl"
#include "conv2d_wino5.glsl"
layout(local_size_x = LOCAL_SIZE) in;
layout(push_constant, std430) uniform PC {
	F32Out e; F32In dy;
	uint N, K, OH, OW, TH, TW;
} pc;
void main() {
	uint id = group_id() * LOCAL_SIZE + gl_LocalInvocationID.x;
	uint T = pc.N * pc.TH * pc.TW, total = pc.K * T;
	if (id >= total) return;
	uint t = id % T, k = id / T;
	uint tw = t % pc.TW, nth = t / pc.TW;
	uint th = nth % pc.TH, n = nth / pc.TH;
	uint base = (n * pc.K + k) * pc.OH * pc.OW;
	float d[2][2];
	for (uint i = 0; i < 2; i++) {
		uint oh = 2 * th + i;
		for (uint j = 0; j < 2; j++) {
			uint ow = 2 * tw + j;
			d[i][j] = (oh < pc.OH && ow < pc.OW) ? pc.dy.v[base + oh * pc.OW + ow] : 0.0;
		}
	}
	for (uint x = 0; x < WA; x++) {
		float a0 = AT[0][x] * d[0][0] + AT[1][x] * d[1][0]; // (A·δ)[x][0]
		float a1 = AT[0][x] * d[0][1] + AT[1][x] * d[1][1]; // (A·δ)[x][1]
		for (uint y = 0; y < WA; y++) { // (A·δ)·Aᵀ
			pc.e.v[(x * WA + y) * total + id] = a0 * AT[0][y] + a1 * AT[1][y];
		}
	}
}
