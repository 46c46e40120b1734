#version 460
// conv2d_wino_dfilter: the adjoint of Winograd F(2×2,3×3)'s filter transform, for backward-filter:
// dw[q][r][s] += (Gᵀ·du_q·G)[r][s] (accumulated), du_q[ξ][ν] = du[ξ][ν][q] (layout [16][Q], q =
// k·CG + c), G = [[1,0,0],[½,½,½],[½,−½,½],[0,0,1]]. One invocation per q.
// Dispatch: Fold(ceil(Q / LOCAL_SIZE)). CPU reference: winoDfilterRef in layers/vk/conv2d_wino_ref.go.
#include "common.glsl"
layout(local_size_x = LOCAL_SIZE) in;
layout(push_constant, std430) uniform PC {
	F32 dw; F32In du;
	uint Q;
} pc;
void main() {
	uint q = group_id() * LOCAL_SIZE + gl_LocalInvocationID.x;
	if (q >= pc.Q) return;
	float t[3][4]; // Gᵀ·du
	for (uint j = 0; j < 4; j++) {
		float u0 = pc.du.v[j * pc.Q + q], u1 = pc.du.v[(4 + j) * pc.Q + q];
		float u2 = pc.du.v[(8 + j) * pc.Q + q], u3 = pc.du.v[(12 + j) * pc.Q + q];
		t[0][j] = u0 + 0.5 * (u1 + u2);
		t[1][j] = 0.5 * (u1 - u2);
		t[2][j] = 0.5 * (u1 + u2) + u3;
	}
	for (uint r = 0; r < 3; r++) { // (Gᵀ·du)·G
		uint o = q * 9 + r * 3;
		pc.dw.v[o] += t[r][0] + 0.5 * (t[r][1] + t[r][2]);
		pc.dw.v[o + 1] += 0.5 * (t[r][1] - t[r][2]);
		pc.dw.v[o + 2] += 0.5 * (t[r][1] + t[r][2]) + t[r][3];
	}
}
