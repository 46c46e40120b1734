// gemm_gpu.glsl: the body of the "gpu" and "gpu-small" gemm kernels: gemm.glsl's product, split-K
// and epilogue on tile_gpu.glsl's shared-memory tile. k runs flat over k = k1·K2 + k2 within the
// split's k1 share; each invocation tracks the (k1, k2) of its step in A and in B, advanced by BK
// per slice (no division in the loop). A tile is loaded along m when flags has FLAG_AM_CONTIG,
// else along k; B along k when FLAG_BK_CONTIG, else along n (the contiguous dimension, set by
// layers/vk). Each .comp defines BM and BN first.
#include "tile_gpu.glsl"
#include "common.glsl"
#include "gemm_push.glsl"

// gemmStep returns the (k1, k2) of step k.
uvec2 gemmStep(uint k) { return uvec2(k / pc.K2, k % pc.K2); }

// gemmNext advances step s by BK.
void gemmNext(inout uvec2 s) {
	s.y += BK;
	while (s.y >= pc.K2) { s.y -= pc.K2; s.x++; }
}

void main() {
	uint row0 = gl_WorkGroupID.x * BM, col0 = gl_WorkGroupID.y * BN;
	uint split = gl_WorkGroupID.z % pc.splits, z = gl_WorkGroupID.z / pc.splits;
	uint klo = split * pc.K1 / pc.splits * pc.K2, khi = (split + 1) * pc.K1 / pc.splits * pc.K2;
	GpuLane ln = gpuLane((pc.flags & FLAG_AM_CONTIG) != 0u, (pc.flags & FLAG_BK_CONTIG) == 0u);
	// Rows and columns past M and N load clamped (valid) elements and are not stored.
	uint abase[LA], bbase[LB];
	[[unroll]] for (uint j = 0; j < LA; j++)
		abase[j] = z * pc.saz + min(row0 + ln.iA + j * KROW, pc.M - 1) * pc.sam;
	[[unroll]] for (uint j = 0; j < LB; j++) {
		uint n = min(col0 + ln.iB + j * KROW, pc.N - 1);
		uint n1 = n / pc.ND;
		bbase[j] = z * pc.sbz + n1 * pc.sbn1 + (n - n1 * pc.ND) * pc.sbn2;
	}
	uvec2 sa = gemmStep(klo + ln.kinA), sb = gemmStep(klo + ln.kinB);
	vec4 acc[8][2];
	GPU_ZERO(acc)
	// Steps past khi read step (0, 0), a valid address, and stage zeros.
#define GEMM_LOAD(k0) { \
		bool va = (k0) + ln.kinA < khi, vb = (k0) + ln.kinB < khi; \
		uint oa = va ? sa.x * pc.sak1 + sa.y * pc.sak2 : 0u; \
		uint ob = vb ? sb.x * pc.sbk1 + sb.y * pc.sbk2 : 0u; \
		[[unroll]] for (uint j = 0; j < LA; j++) { float x = pc.a.v[abase[j] + oa]; ra[j] = va ? x : 0.0; } \
		[[unroll]] for (uint j = 0; j < LB; j++) { float x = pc.b.v[bbase[j] + ob]; rb[j] = vb ? x : 0.0; } \
		gemmNext(sa); \
		gemmNext(sb); \
	}
	GPU_LOOP(klo, khi, GEMM_LOAD)

	// Epilogue (gemm_store.glsl's, for this tile's ownership): C = op(acc) in range.
	uint biasMode = pc.splits > 1u ? 0u : pc.flags & FLAG_BIAS;
	bool accum = pc.splits == 1u && (pc.flags & FLAG_ACCUMULATE) != 0u;
	bool relu = pc.splits == 1u && (pc.flags & FLAG_RELU) != 0u;
	[[unroll]] for (uint c = 0; c < 8; c++) {
		uint n = col0 + gpuCol(c);
		if (n >= pc.N) continue;
		uint n1 = n / pc.ND, n2 = n - n1 * pc.ND;
		uint cn = split * pc.scs + z * pc.scz + n1 * pc.scn1 + n2 * pc.scn2;
		[[unroll]] for (uint r = 0; r < 8; r++) {
			uint m = row0 + gpuRow(r);
			if (m >= pc.M) continue;
			float v = acc[r][c >> 2][c & 3u];
			if (biasMode == FLAG_ROW_BIAS) v += pc.bias.v[z * pc.sbiasz + m];
			if (biasMode == FLAG_COL_BIAS) v += pc.bias.v[z * pc.sbiasz + n];
			uint ci = cn + m * pc.scm;
			if (accum) v += pc.c.v[ci];
			if (relu) v = max(v, 0.0);
			pc.c.v[ci] = v;
		}
	}
}
