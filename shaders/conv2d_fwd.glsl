// conv2d_fwd.glsl: the body of the "tile" conv2d_fwd kernels (implicit gemm); each .comp defines TN first.
//   y[n, z·KG + m, oh, ow] = op(Σ_{c<CG, r<R, s<S} w[z·KG + m, c, r, s] · xp[n, z·CG + c, oh·stride + r, ow·stride + s])
// over the zero-padded input xp (pad.comp, or x itself when pad = 0): gemm.glsl's tile and loop with
// B read straight from the image instead of an im2col matrix. Column j = n·OH·OW + oh·OW + ow; the
// k loop runs c, r, s, along which the B offset is linear (c·Hp·Wp + r·Wp + s). op adds bias[z·KG + m]
// if flags has FLAG_ROW_BIAS and applies ReLU if FLAG_RELU. Lane l owns columns l + TILE_LANES·t;
// lanes 0..7 of each subgroup load 8 rows of w that subgroupBroadcast shares (tile.glsl).
// Dispatch: (ceil(KG/16), ceil(N·OH·OW/(TILE_LANES·TN)), G); conv2d_fwd_half (TILE_HALF: 8 rows
// per workgroup, for KG <= 8) has ceil(KG/8) in x. CPU reference: layers.Conv2DForward.
#include "tile.glsl"
#include "common.glsl"
#include "conv2d_fwd_push.glsl"

void main() {
	uint row0 = gl_WorkGroupID.x * TILE_ACC_ROWS;
	uint col0 = gl_WorkGroupID.y * (TILE_LANES * TN);
	uint z = gl_WorkGroupID.z;
	uint lane = gl_LocalInvocationID.x;
	uint sl = gl_SubgroupInvocationID & (TILE_SHARE_LANES - 1); // a power of two
	uint RS = pc.R * pc.S;
	uint sam = pc.CG * RS;
	// Out-of-range rows and columns load clamped (valid) elements and are not stored.
	uint a0 = (z * pc.KG + min(row0 + sl, pc.KG - 1)) * sam;
#ifndef TILE_HALF
	uint a1 = (z * pc.KG + min(row0 + TILE_SHARE_LANES + sl, pc.KG - 1)) * sam;
#endif
#ifdef TILE_THREE
	uint a2 = (z * pc.KG + min(row0 + 2 * TILE_SHARE_LANES + sl, pc.KG - 1)) * sam;
#endif
	uint boff[TN];
	[[unroll]] for (uint t = 0; t < TN; t++) {
		uint j = min(col0 + lane + t * TILE_LANES, pc.NCOL - 1);
		uint n = j / pc.OHW, p = j - n * pc.OHW;
		uint oh = p / pc.OW, ow = p - oh * pc.OW;
		boff[t] = n * pc.sxn + z * pc.sxz + oh * pc.stride * pc.Wp + ow * pc.stride;
	}
	float acc[TILE_ACC_ROWS][TN];
	TILE_ZERO(acc)
	// One loop over k = (c·R + r)·S + s; the B offset c·Hp·Wp + r·Wp + s steps by 1, plus Wp − S
	// when s wraps and Hp·Wp − R·Wp when r does too (branch-free: selects, not ifs).
	uint K = pc.CG * RS, kb = 0, s = 0, r = 0;
	uint dS = pc.Wp - pc.S, dR = pc.HWp - pc.R * pc.Wp;
	for (uint ka = 0; ka < K; ka++) {
		float x0 = pc.w.v[a0 + ka];
#ifdef TILE_HALF
		float x1 = 0.0; // no rows 8..15
#else
		float x1 = pc.w.v[a1 + ka];
#endif
		float bv[TN];
		[[unroll]] for (uint t = 0; t < TN; t++) bv[t] = pc.xp.v[boff[t] + kb];
#ifdef TILE_THREE
		float x2 = pc.w.v[a2 + ka];
		TILE_MAC3(acc, x0, x1, x2, bv)
#else
		TILE_MAC(acc, x0, x1, bv)
#endif
		s++;
		bool ws = s == pc.S;
		s = ws ? 0u : s;
		r += ws ? 1u : 0u;
		bool wr = r == pc.R;
		r = wr ? 0u : r;
		kb += 1u + (ws ? dS : 0u) + (wr ? dR : 0u);
	}
#include "conv2d_fwd_store.glsl"
}
