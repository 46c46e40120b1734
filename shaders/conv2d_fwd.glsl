// conv2d_fwd.glsl: the body of the conv2d_fwd kernels (implicit gemm); each .comp defines TN first.
//   y[n, z·KG + m, oh, ow] = op(Σ_{c<CG, r<R, s<S} w[z·KG + m, c, r, s] · xp[n, z·CG + c, oh·stride + r, ow·stride + s])
// over the zero-padded input xp (pad.comp, or x itself when pad = 0): gemm.glsl's tile and loop with
// B read straight from the image instead of an im2col matrix. Column j = n·OH·OW + oh·OW + ow; the
// k loop runs c, r, s, along which the B offset is linear (c·Hp·Wp + r·Wp + s). op adds bias[z·KG + m]
// if flags&2 and applies ReLU if flags&8. Lane l owns columns l + 64·t; lanes 0..7 of each subgroup
// load 8 rows of w that subgroupBroadcast shares (needs subgroups of at least 8).
// Dispatch: (ceil(KG/16), ceil(N·OH·OW/(64·TN)), G). CPU reference: layers.Conv2DForward.
#include "tile.glsl"
#include "common.glsl"
layout(push_constant, std430) uniform PC {
	F32Out y; F32In w; F32In xp; F32In bias;
	uint KG, NCOL, OHW, OW, CG, R, S, Wp, HWp, stride;
	uint sxn, sxz, syn, syz, flags;
} pc;

const uint TM = TILE_TM, WG = 64;

void main() {
	uint row0 = gl_WorkGroupID.x * TM;
	uint col0 = gl_WorkGroupID.y * (WG * TN);
	uint z = gl_WorkGroupID.z;
	uint lane = gl_LocalInvocationID.x;
	uint sl = gl_SubgroupInvocationID & 7u;
	uint RS = pc.R * pc.S;
	uint sam = pc.CG * RS;
	// Out-of-range rows and columns load clamped (valid) elements and are not stored.
	uint a0 = (z * pc.KG + min(row0 + sl, pc.KG - 1)) * sam;
	uint a1 = (z * pc.KG + min(row0 + 8 + sl, pc.KG - 1)) * sam;
	uint boff[TN];
	[[unroll]] for (uint t = 0; t < TN; t++) {
		uint j = min(col0 + lane + t * WG, pc.NCOL - 1);
		uint n = j / pc.OHW, p = j - n * pc.OHW;
		uint oh = p / pc.OW, ow = p - oh * pc.OW;
		boff[t] = n * pc.sxn + z * pc.sxz + oh * pc.stride * pc.Wp + ow * pc.stride;
	}
	float acc[TM][TN];
	TILE_ZERO(acc)
	// One loop over k = (c·R + r)·S + s; the B offset c·Hp·Wp + r·Wp + s steps by 1, plus Wp − S
	// when s wraps and Hp·Wp − R·Wp when r does too (branch-free: selects, not ifs).
	uint K = pc.CG * RS, kb = 0, s = 0, r = 0;
	uint dS = pc.Wp - pc.S, dR = pc.HWp - pc.R * pc.Wp;
	for (uint ka = 0; ka < K; ka++) {
		float x0 = pc.w.v[a0 + ka], x1 = pc.w.v[a1 + ka];
		float bv[TN];
		[[unroll]] for (uint t = 0; t < TN; t++) bv[t] = pc.xp.v[boff[t] + kb];
		TILE_MAC(acc, x0, x1, bv)
		s++;
		bool ws = s == pc.S;
		s = ws ? 0u : s;
		r += ws ? 1u : 0u;
		bool wr = r == pc.R;
		r = wr ? 0u : r;
		kb += 1u + (ws ? dS : 0u) + (wr ? dR : 0u);
	}
	bool bias = (pc.flags & 2u) != 0u, relu = (pc.flags & 8u) != 0u;
	[[unroll]] for (uint t = 0; t < TN; t++) {
		uint j = col0 + lane + t * WG;
		if (j >= pc.NCOL) continue;
		uint n = j / pc.OHW, p = j - n * pc.OHW;
		uint yn = n * pc.syn + z * pc.syz + p;
		[[unroll]] for (uint i = 0; i < TM; i++) {
			uint m = row0 + i;
			if (m >= pc.KG) continue;
			float v = acc[i][t];
			if (bias) v += pc.bias.v[z * pc.KG + m];
			if (relu) v = max(v, 0.0);
			pc.y.v[yn + m * pc.OHW] = v;
		}
	}
}
