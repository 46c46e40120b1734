// tile.glsl: the register tile shared by gemm.glsl and conv2d_fwd.glsl. A lane accumulates
// TILE_TM = 16 rows × TN columns in acc; each k step, lanes 0..7 of a subgroup hold rows
// (x0: rows 0..7, x1: rows 8..15) that subgroupBroadcast shares, and bv the lane's TN B values.
// Workgroups are 64 lanes.
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_ballot : require
#extension GL_EXT_control_flow_attributes : require
layout(local_size_x = 64) in;
#define TILE_TM 16u
#define TILE_ZERO(acc) \
	[[unroll]] for (uint i_ = 0; i_ < TILE_TM; i_++) \
		[[unroll]] for (uint t_ = 0; t_ < TN; t_++) acc[i_][t_] = 0.0;
#define TILE_MAC(acc, x0, x1, bv) \
	[[unroll]] for (uint i_ = 0; i_ < 8; i_++) { \
		float av_ = subgroupBroadcast(x0, i_); \
		[[unroll]] for (uint t_ = 0; t_ < TN; t_++) acc[i_][t_] += av_ * bv[t_]; \
	} \
	[[unroll]] for (uint i_ = 0; i_ < 8; i_++) { \
		float av_ = subgroupBroadcast(x1, i_); \
		[[unroll]] for (uint t_ = 0; t_ < TN; t_++) acc[8 + i_][t_] += av_ * bv[t_]; \
	}
