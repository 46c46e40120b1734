// gemm.glsl: the body of the "tile" gemm kernels (gemm, gemm_narrow): A's rows shared by
// subgroupBroadcast (tile.glsl). Each .comp defines TN (columns per lane) first.
#include "tile.glsl"
#include "common.glsl"
#include "gemm_push.glsl"

void main() {
	uint row0 = gl_WorkGroupID.x * TILE_ROWS;
	uint col0 = gl_WorkGroupID.y * (TILE_LANES * TN);
	uint split = gl_WorkGroupID.z % pc.splits;
	uint z = gl_WorkGroupID.z / pc.splits;
	uint k1lo = split * pc.K1 / pc.splits, k1hi = (split + 1) * pc.K1 / pc.splits;
	uint lane = gl_LocalInvocationID.x;
	uint sl = gl_SubgroupInvocationID & (TILE_SHARE_LANES - 1); // a power of two
	// Out-of-range rows and columns load clamped (valid) elements and are not stored: no branch in the loop.
	uint a0 = z * pc.saz + min(row0 + sl, pc.M - 1) * pc.sam;
	uint a1 = z * pc.saz + min(row0 + TILE_SHARE_LANES + sl, pc.M - 1) * pc.sam;
	uint boff[TN];
	[[unroll]] for (uint t = 0; t < TN; t++) {
		uint n = min(col0 + lane + t * TILE_LANES, pc.N - 1);
		uint n1 = n / pc.ND, n2 = n - n1 * pc.ND;
		boff[t] = z * pc.sbz + n1 * pc.sbn1 + n2 * pc.sbn2;
	}
	float acc[TILE_ROWS][TN];
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
#include "gemm_store.glsl"
}
