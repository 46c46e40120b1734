// conv2d_wino6_output: the output transform of a Winograd form on 6×6 tiles (conv2d_wino6.glsl),
// y[n, k, WM·th + i, WM·tw + j] = (Aᵀ·m·A)[i][j] (+ bias[k] with FLAG_ROW_BIAS, then max(·, 0) with
// FLAG_RELU) for the outputs inside OH×OW, m[ξ][ν] = mm[ξ][ν][k][t] (the products, layout
// [36][K][T]), t = (n·TH + th)·TW + tw. One invocation per (k, t), t fastest.
// Dispatch: Fold(ceil(K·T / LOCAL_SIZE)). CPU reference: winoOutputRef in layers/vk/conv2d_wino_ref.go.
#include "common.glsl"
#include "conv2d_wino6.glsl"
layout(local_size_x = LOCAL_SIZE) in;
layout(push_constant, std430) uniform PC {
	F32Out y; F32In mm; F32In bias;
	uint N, K, OH, OW, TH, TW, flags;
} pc;
void main() {
	uint id = group_id() * LOCAL_SIZE + gl_LocalInvocationID.x;
	uint T = pc.N * pc.TH * pc.TW, total = pc.K * T;
	if (id >= total) return;
	uint t = id % T, k = id / T;
	uint tw = t % pc.TW, nth = t / pc.TW;
	uint th = nth % pc.TH, n = nth / pc.TH;
	float a[WM][WA]; // Aᵀ·m
	for (uint i = 0; i < WM; i++) {
		for (uint j = 0; j < WA; j++) a[i][j] = 0.0;
	}
	for (uint j = 0; j < WA; j++) {
		for (uint x = 0; x < WA; x++) {
			float m = pc.mm.v[(x * WA + j) * total + id];
			for (uint i = 0; i < WM; i++) a[i][j] += AT[i][x] * m;
		}
	}
	float b = (pc.flags & FLAG_ROW_BIAS) != 0u ? pc.bias.v[k] : 0.0;
	bool relu = (pc.flags & FLAG_RELU) != 0u;
	uint base = (n * pc.K + k) * pc.OH * pc.OW;
	for (uint i = 0; i < WM; i++) {
		uint oh = WM * th + i;
		if (oh >= pc.OH) break;
		for (uint j = 0; j < WM; j++) {
			uint ow = WM * tw + j;
			if (ow >= pc.OW) break;
			float v = b;
			for (uint x = 0; x < WA; x++) v += a[i][x] * AT[j][x];
			pc.y.v[base + oh * pc.OW + ow] = relu ? max(v, 0.0) : v;
		}
	}
}
