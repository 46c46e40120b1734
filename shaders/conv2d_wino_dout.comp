#version 460
// conv2d_wino_dout: the adjoint of Winograd F(2×2,3×3)'s output transform, for backward-filter:
// e[ξ][ν][k][t] = (A·δ·Aᵀ)[ξ][ν] of the 2×2 tile δ[i][j] = dy[n, k, 2·th + i, 2·tw + j] (0 outside
// OH×OW), t = (n·TH + th)·TW + tw, A = [[1,0],[1,1],[1,−1],[0,−1]]. Layout [16][K][T]. One invocation
// per (k, t), t fastest. Dispatch: Fold(ceil(K·T / LOCAL_SIZE)).
// CPU reference: winoDoutRef in layers/vk/conv2d_wino_ref.go.
#include "common.glsl"
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
	float a[4][2]; // A·δ
	for (uint j = 0; j < 2; j++) {
		a[0][j] = d[0][j];
		a[1][j] = d[0][j] + d[1][j];
		a[2][j] = d[0][j] - d[1][j];
		a[3][j] = -d[1][j];
	}
	for (uint i = 0; i < 4; i++) { // (A·δ)·Aᵀ
		uint o = i * 4 * total + id;
		pc.e.v[o] = a[i][0];
		pc.e.v[o + total] = a[i][0] + a[i][1];
		pc.e.v[o + 2 * total] = a[i][0] - a[i][1];
		pc.e.v[o + 3 * total] = -a[i][1];
	}
}
