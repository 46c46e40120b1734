// conv2d_wino6_dout: the adjoint of the output transform of a Winograd form on 6×6 tiles
// (conv2d_wino6.glsl), for backward-filter: e[ξ][ν][k][t] = (A·δ·Aᵀ)[ξ][ν] of the WM×WM tile
// δ[i][j] = dy[n, k, WM·th + i, WM·tw + j] (0 outside OH×OW), t = (n·TH + th)·TW + tw. Layout
// [36][K][T]. One invocation per (k, t), t fastest. Dispatch: Fold(ceil(K·T / LOCAL_SIZE)).
// CPU reference: winoDoutRef in layers/vk/conv2d_wino_ref.go.
#include "common.glsl"
#include "conv2d_wino6.glsl"
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
	float d[WM][WM];
	for (uint i = 0; i < WM; i++) {
		uint oh = WM * th + i;
		for (uint j = 0; j < WM; j++) {
			uint ow = WM * tw + j;
			d[i][j] = (oh < pc.OH && ow < pc.OW) ? pc.dy.v[base + oh * pc.OW + ow] : 0.0;
		}
	}
	for (uint x = 0; x < WA; x++) {
		float a[WM]; // (A·δ)[x][j]
		for (uint j = 0; j < WM; j++) {
			a[j] = 0.0;
			for (uint i = 0; i < WM; i++) a[j] += AT[i][x] * d[i][j];
		}
		for (uint y = 0; y < WA; y++) { // (A·δ)·Aᵀ
			float v = 0.0;
			for (uint j = 0; j < WM; j++) v += a[j] * AT[j][y];
			pc.e.v[(x * WA + y) * total + id] = v;
		}
	}
}
