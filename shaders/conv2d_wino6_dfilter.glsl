// conv2d_wino6_dfilter: the adjoint of the filter transform of a Winograd form on 6×6 tiles
// (conv2d_wino6.glsl), for backward-filter: dw[q][r][s] += (Gᵀ·du_q·G)[r][s] (accumulated) for
// q = k·CG + c, k = z·KG + kg, where du_q[ξ][ν] = du[ξ][ν][q] (layout [36][G][KG][CG]) or, with
// trans, du[ξ][ν][(z·CG + c)·KG + kg] (layout [36][G][CG][KG]). One invocation per q.
// Dispatch: Fold(ceil(Q / LOCAL_SIZE)). CPU reference: winoDfilterRef in layers/vk/conv2d_wino_ref.go.
#include "common.glsl"
#include "conv2d_wino6.glsl"
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
	float t[WR][WA]; // Gᵀ·du
	for (uint r = 0; r < WR; r++) {
		for (uint j = 0; j < WA; j++) t[r][j] = 0.0;
	}
	for (uint x = 0; x < WA; x++) {
		for (uint j = 0; j < WA; j++) {
			float u = pc.du.v[(x * WA + j) * pc.Q + i];
			for (uint r = 0; r < WR; r++) t[r][j] += WG[x][r] * u;
		}
	}
	for (uint r = 0; r < WR; r++) { // (Gᵀ·du)·G
		for (uint s = 0; s < WR; s++) {
			float v = 0.0;
			for (uint j = 0; j < WA; j++) v += t[r][j] * WG[j][s];
			pc.dw.v[q * WR * WR + r * WR + s] += v;
		}
	}
}
