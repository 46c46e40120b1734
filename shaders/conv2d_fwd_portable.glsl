// conv2d_fwd_portable.glsl: the body of the "portable" conv2d_fwd kernels (conv2d_fwd_portable,
// conv2d_fwd_narrow_portable): conv2d_fwd.glsl's implicit gemm and epilogue with the filter rows
// shared through workgroup memory (tile_portable.glsl) instead of subgroupBroadcast. Each .comp
// defines TN first. Dispatch as conv2d_fwd. CPU reference: layers.Conv2DForward.
#include "tile_portable.glsl"
#include "common.glsl"
#include "conv2d_fwd_push.glsl"

void main() {
	uint row0 = gl_WorkGroupID.x * TILE_ROWS;
	uint col0 = gl_WorkGroupID.y * (TILE_LANES * TN);
	uint z = gl_WorkGroupID.z;
	uint lane = gl_LocalInvocationID.x;
	uint K = pc.CG * pc.R * pc.S; // k = (c·R + r)·S + s, contiguous in a filter row
	// Out-of-range rows and columns load clamped (valid) elements and are not stored.
	uint boff[TN];
	[[unroll]] for (uint t = 0; t < TN; t++) {
		uint j = min(col0 + lane + t * TILE_LANES, pc.NCOL - 1);
		uint n = j / pc.OHW, p = j - n * pc.OHW;
		uint oh = p / pc.OW, ow = p - oh * pc.OW;
		boff[t] = n * pc.sxn + z * pc.sxz + oh * pc.stride * pc.Wp + ow * pc.stride;
	}
	float acc[TILE_ROWS][TN];
	TILE_ZERO(acc)
	// B's offset c·Hp·Wp + r·Wp + s steps as in conv2d_fwd.glsl.
	uint kb = 0, s = 0, r = 0;
	uint dS = pc.Wp - pc.S, dR = pc.HWp - pc.R * pc.Wp;
	for (uint k0 = 0; k0 < K; k0 += PORTABLE_STEPS) {
		TILE_STAGE(k0, K, pc.w.v[(z * pc.KG + min(row0 + i_, pc.KG - 1)) * K + k_])
		uint steps = min(PORTABLE_STEPS, K - k0);
		for (uint kk = 0; kk < steps; kk++) {
			float bv[TN];
			[[unroll]] for (uint t = 0; t < TN; t++) bv[t] = pc.xp.v[boff[t] + kb];
			TILE_MAC_SHARED(acc, kk, bv)
			s++;
			bool ws = s == pc.S;
			s = ws ? 0u : s;
			r += ws ? 1u : 0u;
			bool wr = r == pc.R;
			r = wr ? 0u : r;
			kb += 1u + (ws ? dS : 0u) + (wr ? dR : 0u);
		}
	}
#include "conv2d_fwd_store.glsl"
}
