// tile.glsl: the subgroup register tile of the "tile" product kernels (gemm.glsl, conv2d_fwd.glsl).
// A lane accumulates TILE_ROWS = 16 rows × TN columns in acc (8 with TILE_HALF, below); each k step, lanes 0..7 of a
// subgroup (TILE_SHARE_LANES) hold rows (x0: rows 0..7, x1: rows 8..15) that subgroupBroadcast
// shares, and bv the lane's TN B values. Broadcasting from lane i needs subgroups of at least 8
// lanes, all active: layers/vk declares both, and the pipeline requires full subgroups.
// Workgroups are TILE_LANES wide.
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_ballot : require
#extension GL_EXT_control_flow_attributes : require
#include "contract.glsl"
layout(local_size_x = TILE_LANES) in;
// TILE_HALF (conv2d_fwd_half): only rows 0..7 (x0); acc has TILE_ACC_ROWS = TILE_SHARE_LANES rows,
// for products of at most 8 rows, where the full tile would spend half its multiply-adds on rows
// that are not stored.
// TILE_THREE (conv2d_fwd_three, conv2d_bwd_filter_three): three shares, rows 0..23 (x0, x1, x2),
// for products of 17–24 rows (or 24 per group), where 16-row tiles would compute 32.
#if defined(TILE_HALF)
#define TILE_ACC_ROWS TILE_SHARE_LANES
#elif defined(TILE_THREE)
#if TILE_THREE_ROWS != 3 * TILE_SHARE_LANES
#error "TILE_THREE_ROWS must be three shares of TILE_SHARE_LANES rows"
#endif
#define TILE_ACC_ROWS TILE_THREE_ROWS
#else
#define TILE_ACC_ROWS TILE_ROWS
#endif
#define TILE_ZERO(acc) \
	[[unroll]] for (uint i_ = 0; i_ < TILE_ACC_ROWS; i_++) \
		[[unroll]] for (uint t_ = 0; t_ < TN; t_++) acc[i_][t_] = 0.0;
#define TILE_MAC_LO(acc, x0, bv) \
	[[unroll]] for (uint i_ = 0; i_ < TILE_SHARE_LANES; i_++) { \
		float av_ = subgroupBroadcast(x0, i_); \
		[[unroll]] for (uint t_ = 0; t_ < TN; t_++) acc[i_][t_] += av_ * bv[t_]; \
	}
// TILE_MAC_SHARE adds share sh (rows 8·sh .. 8·sh + 7, from lanes 0..7's x) to acc.
#define TILE_MAC_SHARE(acc, sh, x, bv) \
	[[unroll]] for (uint i_ = 0; i_ < TILE_SHARE_LANES; i_++) { \
		float av_ = subgroupBroadcast(x, i_); \
		[[unroll]] for (uint t_ = 0; t_ < TN; t_++) acc[(sh) * TILE_SHARE_LANES + i_][t_] += av_ * bv[t_]; \
	}
#define TILE_MAC3(acc, x0, x1, x2, bv) TILE_MAC_SHARE(acc, 0, x0, bv) TILE_MAC_SHARE(acc, 1, x1, bv) TILE_MAC_SHARE(acc, 2, x2, bv)
#ifdef TILE_HALF
#define TILE_MAC(acc, x0, x1, bv) TILE_MAC_LO(acc, x0, bv)
#else
#define TILE_MAC(acc, x0, x1, bv) \
	TILE_MAC_LO(acc, x0, bv) \
	[[unroll]] for (uint i_ = 0; i_ < TILE_SHARE_LANES; i_++) { \
		float av_ = subgroupBroadcast(x1, i_); \
		[[unroll]] for (uint t_ = 0; t_ < TN; t_++) acc[TILE_SHARE_LANES + i_][t_] += av_ * bv[t_]; \
	}
#endif
