#version 460
// avgpool_bwd: gradient of avgpool_fwd:
//   dx[nc,h,w] = Σ_{(oh,ow) whose cell holds (h,w)} dy[nc,oh,ow] / count(oh,ow)
// One invocation owns one input row (nc, h) of dx, so it adds into it without atomics: it zeroes
// the row, then spreads the cells of the output rows holding h, oh in
// [floor(h·OH/H), ceil((h+1)·OH/H) − 1], over their columns. Contributions to one input arrive in
// increasing (oh, ow), the Go reference's order. dx is read back only after this invocation wrote
// it (F32, not F32Out). Dispatch: Fold(ceil(NC·H/LOCAL_SIZE)) workgroups of LOCAL_SIZE.
// CPU reference: layers/avgpool.go AvgPoolBackward.
#include "common.glsl"
layout(local_size_x = LOCAL_SIZE) in;
layout(push_constant, std430) uniform PC { F32 dx; F32In dy; uint NC; uint H; uint W; uint OH; uint OW; } pc;

void main() {
	uint row = group_id() * LOCAL_SIZE + gl_LocalInvocationID.x; // (nc, h)
	if (row >= pc.NC * pc.H) return;
	uint h = row % pc.H, nc = row / pc.H, dxRow = row * pc.W;
	for (uint w = 0; w < pc.W; w++) pc.dx.v[dxRow + w] = 0.0;
	uint ohLo = h * pc.OH / pc.H, ohHi = min(pc.OH, ((h + 1) * pc.OH + pc.H - 1) / pc.H);
	for (uint oh = ohLo; oh < ohHi; oh++) {
		uint rows = ((oh + 1) * pc.H + pc.OH - 1) / pc.OH - oh * pc.H / pc.OH; // h1 − h0
		for (uint ow = 0; ow < pc.OW; ow++) {
			uint w0 = ow * pc.W / pc.OW, w1 = ((ow + 1) * pc.W + pc.OW - 1) / pc.OW;
			float g = pc.dy.v[(nc * pc.OH + oh) * pc.OW + ow] / float(rows * (w1 - w0));
			for (uint w = w0; w < w1; w++) pc.dx.v[dxRow + w] += g;
		}
	}
}
