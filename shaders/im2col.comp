#version 460
// im2col: col[n][q][p] = x[n, c, oh·stride − pad + r, ow·stride − pad + s] (0 outside the image),
// q = (c·R + r)·S + s, p = oh·OW + ow, for the N images of a chunk: image by image, so that the gemm
// walks k through one image's contiguous C·R·S × OH·OW block (rows OH·OW apart, prefetch- and
// TLB-friendly) rather than rows N·OH·OW apart.
// One invocation per (n, q, oh) row, looping over ow. Dispatch: Fold(ceil(N·C·R·S·OH / LOCAL_SIZE)).
// CPU reference: im2colRef in layers/vk/conv2d.go.
#include "common.glsl"
layout(local_size_x = LOCAL_SIZE) in;
layout(push_constant, std430) uniform PC {
	F32Out col; F32In x;
	uint N, C, H, W, R, S, stride, pad, OH, OW;
} pc;
void main() {
	uint row = group_id() * LOCAL_SIZE + gl_LocalInvocationID.x;
	uint Q = pc.C * pc.R * pc.S;
	if (row >= pc.N * Q * pc.OH) return;
	uint oh = row % pc.OH;
	uint nq = row / pc.OH;
	uint q = nq % Q, n = nq / Q;
	uint s = q % pc.S, r = (q / pc.S) % pc.R, c = q / (pc.R * pc.S);
	int h = int(oh * pc.stride + r) - int(pc.pad);
	uint dst = row * pc.OW; // ((n·Q + q)·OH + oh)·OW
	if (h < 0 || h >= int(pc.H)) {
		for (uint ow = 0; ow < pc.OW; ow++) pc.col.v[dst + ow] = 0.0;
		return;
	}
	uint src = ((n * pc.C + c) * pc.H + uint(h)) * pc.W;
	for (uint ow = 0; ow < pc.OW; ow++) {
		int w = int(ow * pc.stride + s) - int(pc.pad);
		pc.col.v[dst + ow] = (w >= 0 && w < int(pc.W)) ? pc.x.v[src + uint(w)] : 0.0;
	}
}
