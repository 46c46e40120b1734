// gemm.glsl: the body of the gemm kernels; each .comp defines TN (columns per lane) first.
#include "tile.glsl"
#include "common.glsl"
layout(push_constant, std430) uniform PC {
	F32 c; F32In a; F32In b; F32In bias;
	uint M, N, K1, K2, ND;
	uint sam, sak1, sak2;
	uint sbk1, sbk2, sbn1, sbn2;
	uint scm, scn1, scn2;
	uint saz, sbz, scz, sbiasz;
	uint flags;
	uint splits, scs; // split-K: grid z = group·splits + split; split s sums k1 in its share and
	                  // writes (no bias, no accumulate) to C + s·scs, for gemm_reduce to add up
} pc;

const uint TM = TILE_TM, WG = 64;

void main() {
	uint row0 = gl_WorkGroupID.x * TM;
	uint col0 = gl_WorkGroupID.y * (WG * TN);
	uint split = gl_WorkGroupID.z % pc.splits;
	uint z = gl_WorkGroupID.z / pc.splits;
	uint k1lo = split * pc.K1 / pc.splits, k1hi = (split + 1) * pc.K1 / pc.splits;
	uint lane = gl_LocalInvocationID.x;
	uint sl = gl_SubgroupInvocationID & 7u;
	// Out-of-range rows and columns load clamped (valid) elements and are not stored: no branch in the loop.
	uint a0 = z * pc.saz + min(row0 + sl, pc.M - 1) * pc.sam;
	uint a1 = z * pc.saz + min(row0 + 8 + sl, pc.M - 1) * pc.sam;
	uint boff[TN];
	[[unroll]] for (uint t = 0; t < TN; t++) {
		uint n = min(col0 + lane + t * WG, pc.N - 1);
		uint n1 = n / pc.ND, n2 = n - n1 * pc.ND;
		boff[t] = z * pc.sbz + n1 * pc.sbn1 + n2 * pc.sbn2;
	}
	float acc[TM][TN];
	TILE_ZERO(acc)
	for (uint k1 = k1lo; k1 < k1hi; k1++) {
		uint ka = k1 * pc.sak1, kb = k1 * pc.sbk1;
		for (uint k2 = 0; k2 < pc.K2; k2++) {
			float x0 = pc.a.v[a0 + ka], x1 = pc.a.v[a1 + ka];
			float bv[TN];
			[[unroll]] for (uint t = 0; t < TN; t++) bv[t] = pc.b.v[boff[t] + kb];
			TILE_MAC(acc, x0, x1, bv)
			ka += pc.sak2;
			kb += pc.sbk2;
		}
	}
	uint biasMode = pc.splits > 1u ? 0u : pc.flags & 6u;
	bool accum = pc.splits == 1u && (pc.flags & 1u) != 0u;
	bool relu = pc.splits == 1u && (pc.flags & 8u) != 0u;
	[[unroll]] for (uint t = 0; t < TN; t++) {
		uint n = col0 + lane + t * WG;
		if (n >= pc.N) continue;
		uint n1 = n / pc.ND, n2 = n - n1 * pc.ND;
		uint cn = split * pc.scs + z * pc.scz + n1 * pc.scn1 + n2 * pc.scn2;
		[[unroll]] for (uint i = 0; i < TM; i++) {
			uint m = row0 + i;
			if (m >= pc.M) continue;
			float v = acc[i][t];
			if (biasMode == 2u) v += pc.bias.v[z * pc.sbiasz + m];
			if (biasMode == 4u) v += pc.bias.v[z * pc.sbiasz + n];
			uint ci = cn + m * pc.scm;
			if (accum) v += pc.c.v[ci];
			if (relu) v = max(v, 0.0);
			pc.c.v[ci] = v;
		}
	}
}
