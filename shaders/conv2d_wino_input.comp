#version 460
// conv2d_wino_input: Winograd F(2×2,3×3)'s input transform v[ξ][ν][c][t] = (Bᵀ·d·B)[ξ][ν] of the 4×4
// tile d[i][j] = x[n, c, 2·th − pad + i, 2·tw − pad + j] (0 outside x), t = (n·TH + th)·TW + tw,
// with Bᵀ = [[1,0,−1,0],[0,1,1,0],[0,−1,1,0],[0,1,0,−1]]. Layout [16][C][T] (T = N·TH·TW): one gemm
// operand per (ξ, ν, group). One invocation per (c, t), t fastest. Dispatch: Fold(ceil(C·T / LOCAL_SIZE)).
// CPU reference: winoInputRef in layers/vk/conv2d_wino_ref.go.
#include "common.glsl"
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
	int h0 = int(2 * th) - int(pc.pad), w0 = int(2 * tw) - int(pc.pad);
	uint base = (n * pc.C + c) * pc.H * pc.W;
	float d[4][4];
	for (int i = 0; i < 4; i++) {
		int h = h0 + i;
		bool hin = h >= 0 && h < int(pc.H);
		for (int j = 0; j < 4; j++) {
			int w = w0 + j;
			d[i][j] = (hin && w >= 0 && w < int(pc.W)) ? pc.x.v[base + uint(h) * pc.W + uint(w)] : 0.0;
		}
	}
	float b[4][4]; // Bᵀ·d
	for (uint j = 0; j < 4; j++) {
		b[0][j] = d[0][j] - d[2][j];
		b[1][j] = d[1][j] + d[2][j];
		b[2][j] = d[2][j] - d[1][j];
		b[3][j] = d[1][j] - d[3][j];
	}
	for (uint i = 0; i < 4; i++) { // (Bᵀ·d)·B
		uint o = i * 4 * total + id;
		pc.v.v[o] = b[i][0] - b[i][2];
		pc.v.v[o + total] = b[i][1] + b[i][2];
		pc.v.v[o + 2 * total] = b[i][2] - b[i][1];
		pc.v.v[o + 3 * total] = b[i][1] - b[i][3];
	}
}
