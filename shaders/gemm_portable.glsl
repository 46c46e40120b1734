// gemm_portable.glsl: the body of the "portable" gemm kernels (gemm_portable,
// gemm_narrow_portable): gemm.glsl's product, split-K and epilogue with A's rows shared through
// workgroup memory (tile_portable.glsl) instead of subgroupBroadcast. k runs flat over
// k = k1·K2 + k2 within the split's k1 share. Each .comp defines TN (columns per lane) first.
#include "tile_portable.glsl"
#include "common.glsl"
#include "gemm_push.glsl"

void main() {
	uint row0 = gl_WorkGroupID.x * TILE_ROWS;
	uint col0 = gl_WorkGroupID.y * (TILE_LANES * TN);
	uint split = gl_WorkGroupID.z % pc.splits;
	uint z = gl_WorkGroupID.z / pc.splits;
	uint k1lo = split * pc.K1 / pc.splits, k1hi = (split + 1) * pc.K1 / pc.splits;
	uint klo = k1lo * pc.K2, khi = k1hi * pc.K2;
	uint lane = gl_LocalInvocationID.x;
	// Out-of-range rows and columns load clamped (valid) elements and are not stored.
	uint boff[TN];
	[[unroll]] for (uint t = 0; t < TN; t++) {
		uint n = min(col0 + lane + t * TILE_LANES, pc.N - 1);
		uint n1 = n / pc.ND, n2 = n - n1 * pc.ND;
		boff[t] = z * pc.sbz + n1 * pc.sbn1 + n2 * pc.sbn2;
	}
	float acc[TILE_ROWS][TN];
	TILE_ZERO(acc)
	uint k2 = 0, kb = k1lo * pc.sbk1, kb1 = kb; // B's offset at (k1, k2) and at (k1, 0)
	for (uint k0 = klo; k0 < khi; k0 += PORTABLE_STEPS) {
		TILE_STAGE(k0, khi, pc.a.v[z * pc.saz + min(row0 + i_, pc.M - 1) * pc.sam +
			(k_ / pc.K2) * pc.sak1 + (k_ % pc.K2) * pc.sak2])
		uint steps = min(PORTABLE_STEPS, khi - k0);
		for (uint kk = 0; kk < steps; kk++) {
			float bv[TN];
			[[unroll]] for (uint t = 0; t < TN; t++) bv[t] = pc.b.v[boff[t] + kb];
			TILE_MAC_SHARED(acc, kk, bv)
			k2++;
			bool wrap = k2 == pc.K2; // next k1: branch-free selects
			k2 = wrap ? 0u : k2;
			kb1 += wrap ? pc.sbk1 : 0u;
			kb = wrap ? kb1 : kb + pc.sbk2;
		}
	}
#include "gemm_store.glsl"
}
