// conv2d_fwd_gpu.glsl: the body of the "gpu" and "gpu-small" conv2d_fwd kernels: conv2d_fwd.glsl's
// implicit gemm and epilogue on tile_gpu.glsl's shared-memory tile.
//   y[n, z·KG + m, oh, ow] = op(Σ_{c<CG, r<R, s<S} w[z·KG + m, c, r, s] · xp[n, z·CG + c, oh·stride + r, ow·stride + s])
// A (the filters) is loaded along k = (c·R + r)·S + s, contiguous in a filter row; B (the padded
// image) along the output positions j = n·OH·OW + oh·OW + ow. Each invocation tracks the (c, r, s)
// of its B step, advanced by BK per slice (no division in the loop). Each .comp defines BM and BN
// first. Dispatch: (ceil(KG/BM), ceil(N·OH·OW/BN), G). CPU reference: layers.Conv2DForward.
#include "tile_gpu.glsl"
#include "common.glsl"
#include "conv2d_fwd_push.glsl"

// convNext advances the B step (c, r, s) by BK.
void convNext(inout uvec3 s) {
	s.z += BK;
	while (s.z >= pc.S) { s.z -= pc.S; s.y++; }
	while (s.y >= pc.R) { s.y -= pc.R; s.x++; }
}

void main() {
	uint row0 = gl_WorkGroupID.x * BM, col0 = gl_WorkGroupID.y * BN, z = gl_WorkGroupID.z;
	uint RS = pc.R * pc.S, K = pc.CG * RS;
	GpuLane ln = gpuLane(false, true);
	// Rows and columns past KG and NCOL load clamped (valid) elements and are not stored.
	uint abase[LA], bbase[LB];
	[[unroll]] for (uint j = 0; j < LA; j++)
		abase[j] = (z * pc.KG + min(row0 + ln.iA + j * KROW, pc.KG - 1)) * K;
	[[unroll]] for (uint j = 0; j < LB; j++) {
		uint col = min(col0 + ln.iB + j * KROW, pc.NCOL - 1);
		uint n = col / pc.OHW, p = col - n * pc.OHW;
		uint oh = p / pc.OW, ow = p - oh * pc.OW;
		bbase[j] = n * pc.sxn + z * pc.sxz + oh * pc.stride * pc.Wp + ow * pc.stride;
	}
	uint rs = ln.kinB % RS;
	uvec3 sb = uvec3(ln.kinB / RS, rs / pc.S, rs % pc.S);
	vec4 acc[8][2];
	GPU_ZERO(acc)
	// Steps past K read step 0, a valid address, and stage zeros.
#define CONV_LOAD(k0) { \
		uint ka = (k0) + ln.kinA; \
		bool va = ka < K, vb = (k0) + ln.kinB < K; \
		uint oa = va ? ka : 0u, ob = vb ? sb.x * pc.HWp + sb.y * pc.Wp + sb.z : 0u; \
		[[unroll]] for (uint j = 0; j < LA; j++) { float x = pc.w.v[abase[j] + oa]; ra[j] = va ? x : 0.0; } \
		[[unroll]] for (uint j = 0; j < LB; j++) { float x = pc.xp.v[bbase[j] + ob]; rb[j] = vb ? x : 0.0; } \
		convNext(sb); \
	}
	GPU_LOOP(0u, K, CONV_LOAD)

	// Epilogue (conv2d_fwd_store.glsl's, for this tile's ownership): y = op(acc) in range.
	bool bias = (pc.flags & FLAG_ROW_BIAS) != 0u, relu = (pc.flags & FLAG_RELU) != 0u;
	[[unroll]] for (uint c = 0; c < 8; c++) {
		uint col = col0 + gpuCol(c);
		if (col >= pc.NCOL) continue;
		uint n = col / pc.OHW, p = col - n * pc.OHW;
		uint yn = n * pc.syn + z * pc.syz + p;
		[[unroll]] for (uint r = 0; r < 8; r++) {
			uint m = row0 + gpuRow(r);
			if (m >= pc.KG) continue;
			float v = acc[r][c >> 2][c & 3u];
			if (bias) v += pc.bias.v[z * pc.KG + m];
			if (relu) v = max(v, 0.0);
			pc.y.v[yn + m * pc.OHW] = v;
		}
	}
}
