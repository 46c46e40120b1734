#version 460
// conv2d_wino_dfilter: the adjoint of Winograd F(2×2,3×3)'s filter transform, for backward-filter:
// dw[q][r][s] += (Gᵀ·du_q·G)[r][s] (accumulated) for q = k·CG + c, k = z·KG + kg, where
// du_q[ξ][ν] = du[ξ][ν][q] (layout [16][G][KG][CG]) or, with trans, du[ξ][ν][(z·CG + c)·KG + kg]
// (layout [16][G][CG][KG]), G = [[1,0,0],[½,½,½],[½,−½,½],[0,0,1]]. One invocation per q.
// Dispatch: Fold(ceil(Q / LOCAL_SIZE)). CPU reference: winoDfilterRef in layers/vk/conv2d_wino_ref.go.
#include "common.glsl"
layout(local_size_x = LOCAL_SIZE) in;
layout(push_constant, std430) uniform PC {
	F32 dw; F32In du;
	uint Q, KG, CG, trans;
} pc;
void main() {
	uint q = group_id() * LOCAL_SIZE + gl_LocalInvocationID.x;
	if (q >= pc.Q) return;
	uint i = q;
	if (pc.trans != 0u) {
		uint c = q % pc.CG, k = q / pc.CG;
		i = ((k / pc.KG) * pc.CG + c) * pc.KG + k % pc.KG;
	}
	float t[3][4]; // Gᵀ·du
	for (uint j = 0; j < 4; j++) {
		float u0 = pc.du.v[j * pc.Q + i], u1 = pc.du.v[(4 + j) * pc.Q + i];
		float u2 = pc.du.v[(8 + j) * pc.Q + i], u3 = pc.du.v[(12 + j) * pc.Q + i];
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
