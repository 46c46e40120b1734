// conv2d_wino6_input: the input transform of a Winograd form on 6×6 tiles (conv2d_wino6.glsl),
// v[ξ][ν][c][t] = (Bᵀ·d·B)[ξ][ν] of the 6×6 tile d[i][j] = x[n, c, WM·th − pad + i, WM·tw − pad + j]
// (0 outside x), t = (n·TH + th)·TW + tw: tiles overlap by WR − 1 and step by the output tile WM.
// Layout [36][C][T] (T = N·TH·TW): one gemm operand per (ξ, ν, group). One invocation per (c, t),
// t fastest. Dispatch: Fold(ceil(C·T / LOCAL_SIZE)).
// CPU reference: winoInputRef in layers/vk/conv2d_wino_ref.go.
#include "common.glsl"
#include "conv2d_wino6.glsl"
layout(local_size_x = LOCAL_SIZE) in;
layout(push_constant, std430) uniform PC {
	F32Out v; F32In x;
	uint N, C, H, W, pad, TH, TW;
} pc;
void main() {
	uint id = group_id() * LOCAL_SIZE + gl_LocalInvocationID.x;
	uint T = pc.N * pc.TH * pc.TW, total = pc.C * T;
	if (id >= total) return;
	uint t = id % T, c = id / T;
	uint tw = t % pc.TW, nth = t / pc.TW;
	uint th = nth % pc.TH, n = nth / pc.TH;
	int h0 = int(WM * th) - int(pc.pad), w0 = int(WM * tw) - int(pc.pad);
	uint base = (n * pc.C + c) * pc.H * pc.W;
	float d[WA][WA];
	for (int i = 0; i < int(WA); i++) {
		int h = h0 + i;
		bool hin = h >= 0 && h < int(pc.H);
		for (int j = 0; j < int(WA); j++) {
			int w = w0 + j;
			d[i][j] = (hin && w >= 0 && w < int(pc.W)) ? pc.x.v[base + uint(h) * pc.W + uint(w)] : 0.0;
		}
	}
	float b[WA][WA]; // Bᵀ·d
	for (uint i = 0; i < WA; i++) {
		for (uint j = 0; j < WA; j++) {
			float s = 0.0;
			for (uint k = 0; k < WA; k++) s += BT[i][k] * d[k][j];
			b[i][j] = s;
		}
	}
	for (uint i = 0; i < WA; i++) { // (Bᵀ·d)·B
		for (uint j = 0; j < WA; j++) {
			float s = 0.0;
			for (uint k = 0; k < WA; k++) s += b[i][k] * BT[j][k];
			pc.v.v[(i * WA + j) * total + id] = s;
		}
	}
}
