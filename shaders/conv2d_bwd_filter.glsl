// conv2d_bwd_filter.glsl: the body of the "tile" conv2d_bwd_filter kernels (implicit gemm); each
// .comp defines TN first.
//   dw[z·KG + m, c, r, s] += Σ_{n, oh, ow} dy[n, z·KG + m, oh, ow] · xp[n, z·CG + c, oh·stride + r, ow·stride + s]
// over the zero-padded input xp (pad.comp, or x itself when pad = 0): gemm.glsl's tile with A = dy
// (rows m, k = (n, oh, ow) contiguous within an image) and B read straight from the image instead of
// an im2col matrix. Column q = (c·R + r)·S + s has the fixed B offset c·Hp·Wp + r·Wp + s; along k
// the offset steps by stride, plus stride·Wp − OW·stride when ow wraps (branch-free: a select).
// Split-K over images: grid z = group·splits + split; split s sums its share of the n images and
// writes its partial product to dw + s·scs (no accumulate) for gemm_reduce to add up; with one
// split the result is added to dw (FLAG_ACCUMULATE) or stored. Lane l owns columns
// l + TILE_LANES·t; lanes 0..7 of each subgroup load 8 rows of dy that subgroupBroadcast shares.
// Dispatch: (ceil(KG/TILE_ACC_ROWS), ceil(CG·R·S/(TILE_LANES·TN)), G·splits): 16 rows per workgroup, or
// 24 in conv2d_bwd_filter_three (TILE_THREE).
// CPU reference: layers.Conv2DBackwardFilter (the dw part).
#include "tile.glsl"
#include "common.glsl"
layout(push_constant, std430) uniform PC {
	F32 dw; F32In dy; F32In xp;
	uint KG, QG, N, OHW, OW, R, S, Wp, HWp, stride;
	uint sxn, sxz, syn, syz;
	uint splits, scs, flags;
} pc;

void main() {
	uint row0 = gl_WorkGroupID.x * TILE_ACC_ROWS;
	uint col0 = gl_WorkGroupID.y * (TILE_LANES * TN);
	uint split = gl_WorkGroupID.z % pc.splits;
	uint z = gl_WorkGroupID.z / pc.splits;
	uint nlo = split * pc.N / pc.splits, nhi = (split + 1) * pc.N / pc.splits;
	uint lane = gl_LocalInvocationID.x;
	uint sl = gl_SubgroupInvocationID & (TILE_SHARE_LANES - 1); // a power of two
	uint RS = pc.R * pc.S;
	// Out-of-range rows and columns load clamped (valid) elements and are not stored.
	uint a0 = z * pc.syz + min(row0 + sl, pc.KG - 1) * pc.OHW;
	uint a1 = z * pc.syz + min(row0 + TILE_SHARE_LANES + sl, pc.KG - 1) * pc.OHW;
#ifdef TILE_THREE
	uint a2 = z * pc.syz + min(row0 + 2 * TILE_SHARE_LANES + sl, pc.KG - 1) * pc.OHW;
#endif
	uint boff[TN];
	[[unroll]] for (uint t = 0; t < TN; t++) {
		uint q = min(col0 + lane + t * TILE_LANES, pc.QG - 1);
		uint c = q / RS, rs = q - c * RS;
		uint r = rs / pc.S, s = rs - r * pc.S;
		boff[t] = z * pc.sxz + c * pc.HWp + r * pc.Wp + s;
	}
	float acc[TILE_ACC_ROWS][TN];
	TILE_ZERO(acc)
	uint dRow = pc.stride * pc.Wp - pc.OW * pc.stride; // from past a row's last window to the next row's first
	for (uint n = nlo; n < nhi; n++) {
		uint ka = n * pc.syn, kb = n * pc.sxn, ow = 0;
		for (uint p = 0; p < pc.OHW; p++) {
			float x0 = pc.dy.v[a0 + ka], x1 = pc.dy.v[a1 + ka];
			float bv[TN];
			[[unroll]] for (uint t = 0; t < TN; t++) bv[t] = pc.xp.v[boff[t] + kb];
#ifdef TILE_THREE
			float x2 = pc.dy.v[a2 + ka];
			TILE_MAC3(acc, x0, x1, x2, bv)
#else
			TILE_MAC(acc, x0, x1, bv)
#endif
			ka++;
			ow++;
			bool wrap = ow == pc.OW;
			ow = wrap ? 0u : ow;
			kb += pc.stride + (wrap ? dRow : 0u);
		}
	}
	bool accum = pc.splits == 1u && (pc.flags & FLAG_ACCUMULATE) != 0u;
	[[unroll]] for (uint t = 0; t < TN; t++) {
		uint q = col0 + lane + t * TILE_LANES;
		if (q >= pc.QG) continue;
		[[unroll]] for (uint i = 0; i < TILE_ACC_ROWS; i++) {
			uint m = row0 + i;
			if (m >= pc.KG) continue;
			uint ci = split * pc.scs + (z * pc.KG + m) * pc.QG + q;
			float v = acc[i][t];
			if (accum) v += pc.dw.v[ci];
			pc.dw.v[ci] = v;
		}
	}
}
