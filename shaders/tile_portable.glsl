// tile_portable.glsl: the register tile of the "portable" product kernels (gemm_portable.glsl,
// conv2d_fwd_portable.glsl), which use no subgroup operations, so any Vulkan device runs them. A
// lane accumulates TILE_ROWS × TN in acc as in tile.glsl, but A's rows are shared through
// workgroup memory: every PORTABLE_STEPS k steps the workgroup copies A's TILE_ROWS ×
// PORTABLE_STEPS block into tileA (TILE_STAGE: each lane a few elements, then a barrier), and
// each step every lane reads that step's rows from there (TILE_MAC_SHARED). Workgroups are
// TILE_LANES wide; every lane must reach every TILE_STAGE (no early return before the loop).
#extension GL_EXT_control_flow_attributes : require
#include "contract.glsl"
layout(local_size_x = TILE_LANES) in;
shared float tileA[PORTABLE_STEPS * TILE_ROWS]; // [step][row]
#define TILE_ZERO(acc) \
	[[unroll]] for (uint i_ = 0; i_ < TILE_ROWS; i_++) \
		[[unroll]] for (uint t_ = 0; t_ < TN; t_++) acc[i_][t_] = 0.0;
// TILE_STAGE loads steps k0 .. k0 + PORTABLE_STEPS − 1 of A into tileA. A_AT is A's element in
// row row0 + i_ at step k_ (its caller's expression in i_ and k_); steps past kend (exclusive,
// > k0) load step kend − 1 instead, a valid address, and are never used. Consecutive lanes take
// consecutive steps of a row (contiguous in memory for the usual layouts). The first barrier
// keeps the previous block until every lane is done with it.
#define TILE_STAGE(k0, kend, A_AT) \
	barrier(); \
	[[unroll]] for (uint j_ = 0; j_ < TILE_ROWS * PORTABLE_STEPS / TILE_LANES; j_++) { \
		uint q_ = gl_LocalInvocationID.x + j_ * TILE_LANES; \
		uint i_ = q_ / PORTABLE_STEPS, s_ = q_ % PORTABLE_STEPS; \
		uint k_ = min((k0) + s_, (kend) - 1u); \
		tileA[s_ * TILE_ROWS + i_] = A_AT; \
	} \
	barrier();
// TILE_MAC_SHARED adds step kk of the staged block times the lane's B values bv to acc.
#define TILE_MAC_SHARED(acc, kk, bv) \
	[[unroll]] for (uint i_ = 0; i_ < TILE_ROWS; i_++) { \
		float av_ = tileA[(kk) * TILE_ROWS + i_]; \
		[[unroll]] for (uint t_ = 0; t_ < TN; t_++) acc[i_][t_] += av_ * bv[t_]; \
	}
