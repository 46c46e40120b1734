// tile_gpu.glsl: the shared-memory tile of the "gpu" and "gpu-small" product kernels (gemm_gpu.glsl,
// conv2d_fwd_gpu.glsl), shaped as a GPU SGEMM is. The .comp defines BM × BN, the outputs of one
// workgroup; each of its NT invocations accumulates 8 × 8 of them in registers (acc), rows
// ty·4 + 0..3 and BM/2 + ty·4 + 0..3, columns likewise from tx (gpuRow, gpuCol). k runs in slices
// of BK steps: the workgroup loads a slice of A (BM × BK) and of B (BK × BN) into registers
// (one k step and LA or LB elements, KROW apart, per invocation: see GpuLane), stores them into
// one of two shared buffers (gpuStage) while the other feeds the multiply-adds (gpuMac), so one
// barrier per slice suffices. Shared tiles are k-major, [k][i], read as vec4 (aligned by
// construction); the vec4 column index is XORed with k so that invocations storing one k step
// each hit distinct banks. Nothing depends on the subgroup size: no subgroup operations.
#extension GL_EXT_control_flow_attributes : require
#include "contract.glsl"
#define BK GPU_SLICE
#define NT ((BM / 8) * (BN / 8))
#define KROW (NT / BK) // invocations per k step of a slice when a tile is loaded along i
#define LA (BM / KROW) // A elements per invocation per slice
#define LB (BN / KROW) // B elements per invocation per slice
#if BM % (4 * BK) != 0 || BN % (4 * BK) != 0 || NT % BK != 0
#error "tile_gpu.glsl: BM and BN must be multiples of 4·BK (the swizzle stays in a row of vec4)"
#endif
layout(local_size_x = NT) in;
shared vec4 tileA[2][BK][BM / 4];
shared vec4 tileB[2][BK][BN / 4];

// GpuLane is what one invocation loads of each slice: step kinA of A's rows iA + j·KROW (j < LA),
// step kinB of B's columns iB + j·KROW (j < LB). Along i (the operand's contiguous dimension is
// i), KROW consecutive invocations read consecutive rows at one step; along k, BK consecutive
// invocations read the BK steps of one row.
struct GpuLane { uint kinA, iA, kinB, iB; };

GpuLane gpuLane(bool aAlongI, bool bAlongI) {
	uint t = gl_LocalInvocationID.x;
	GpuLane l;
	l.kinA = aAlongI ? t / KROW : t % BK;
	l.iA = aAlongI ? t % KROW : t / BK;
	l.kinB = bAlongI ? t / KROW : t % BK;
	l.iB = bAlongI ? t % KROW : t / BK;
	return l;
}

// gpuStage stores an invocation's loads of a slice (ra, rb) into shared buffer buf.
void gpuStage(uint buf, float ra[LA], float rb[LB], GpuLane l) {
	[[unroll]] for (uint j = 0; j < LA; j++) {
		uint i = l.iA + j * KROW;
		tileA[buf][l.kinA][(i >> 2) ^ l.kinA][i & 3u] = ra[j];
	}
	[[unroll]] for (uint j = 0; j < LB; j++) {
		uint i = l.iB + j * KROW;
		tileB[buf][l.kinB][(i >> 2) ^ l.kinB][i & 3u] = rb[j];
	}
}

// gpuMac adds the product of the slice in shared buffer buf to acc: acc[r][h] holds the invocation's
// row gpuRow(r) and columns gpuCol(4h .. 4h + 3).
void gpuMac(uint buf, inout vec4 acc[8][2]) {
	uint tx = gl_LocalInvocationID.x % (BN / 8), ty = gl_LocalInvocationID.x / (BN / 8);
	[[unroll]] for (uint k = 0; k < BK; k++) {
		vec4 a0 = tileA[buf][k][ty ^ k], a1 = tileA[buf][k][(ty + BM / 8) ^ k];
		vec4 b0 = tileB[buf][k][tx ^ k], b1 = tileB[buf][k][(tx + BN / 8) ^ k];
		[[unroll]] for (uint i = 0; i < 4; i++) {
			acc[i][0] += a0[i] * b0;
			acc[i][1] += a0[i] * b1;
			acc[i + 4][0] += a1[i] * b0;
			acc[i + 4][1] += a1[i] * b1;
		}
	}
}

// gpuRow and gpuCol return the tile row and column of the invocation's r-th row and c-th column.
uint gpuRow(uint r) {
	uint ty = gl_LocalInvocationID.x / (BN / 8);
	return (r < 4u ? 0u : BM / 2) + ty * 4u + (r & 3u);
}
uint gpuCol(uint c) {
	uint tx = gl_LocalInvocationID.x % (BN / 8);
	return (c < 4u ? 0u : BN / 2) + tx * 4u + (c & 3u);
}

#define GPU_ZERO(acc) \
	[[unroll]] for (uint r_ = 0; r_ < 8; r_++) { acc[r_][0] = vec4(0.0); acc[r_][1] = vec4(0.0); }

// GPU_LOOP runs the slices of k in [klo, khi): LOAD(k0) fills ra and rb with slice k0 (steps
// k0 + kinA of A, k0 + kinB of B; zeros past khi), called once per slice in order, the next
// slice's loads issued before this slice's multiply-adds. Every invocation must reach it.
#define GPU_LOOP(klo, khi, LOAD) { \
	float ra[LA], rb[LB]; \
	LOAD(klo) \
	gpuStage(0u, ra, rb, ln); \
	barrier(); \
	uint buf_ = 0u; \
	for (uint k0_ = (klo); k0_ < (khi); k0_ += BK) { \
		bool more_ = k0_ + BK < (khi); \
		if (more_) { LOAD(k0_ + BK) } \
		gpuMac(buf_, acc); \
		if (more_) gpuStage(buf_ ^ 1u, ra, rb, ln); \
		barrier(); \
		buf_ ^= 1u; \
	} }
