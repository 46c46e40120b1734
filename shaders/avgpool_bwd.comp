#version 460
// avgpool_bwd: gradient of avgpool_fwd, gathered per input (no atomics):
//   dx[nc,h,w] = Σ_{(oh,ow) whose cell holds (h,w)} dy[nc,oh,ow] / count(oh,ow)
// Cell oh holds row h iff floor(oh·H/OH) <= h < ceil((oh+1)·H/OH), i.e. oh in
// [floor(h·OH/H), ceil((h+1)·OH/H) − 1]; likewise for columns. Summed in increasing (oh, ow), the
// Go reference's order. dx is overwritten.
// Dispatch: Fold(ceil(NC·H·W/64)) workgroups of 64, one input per invocation.
// CPU reference: layers/avgpool.go AvgPoolBackward.
#include "common.glsl"
layout(local_size_x = 64) in;
layout(push_constant, std430) uniform PC { F32Out dx; F32In dy; uint NC; uint H; uint W; uint OH; uint OW; } pc;

void main() {
	uint i = group_id() * 64 + gl_LocalInvocationID.x;
	if (i >= pc.NC * pc.H * pc.W) return;
	uint w = i % pc.W, h = (i / pc.W) % pc.H, nc = i / (pc.W * pc.H);
	uint ohLo = h * pc.OH / pc.H, ohHi = min(pc.OH, ((h + 1) * pc.OH + pc.H - 1) / pc.H);
	uint owLo = w * pc.OW / pc.W, owHi = min(pc.OW, ((w + 1) * pc.OW + pc.W - 1) / pc.W);
	float sum = 0.0;
	for (uint oh = ohLo; oh < ohHi; oh++) {
		uint h0 = oh * pc.H / pc.OH, h1 = ((oh + 1) * pc.H + pc.OH - 1) / pc.OH;
		for (uint ow = owLo; ow < owHi; ow++) {
			uint w0 = ow * pc.W / pc.OW, w1 = ((ow + 1) * pc.W + pc.OW - 1) / pc.OW;
			sum += pc.dy.v[(nc * pc.OH + oh) * pc.OW + ow] / float((h1 - h0) * (w1 - w0));
		}
	}
	pc.dx.v[i] = sum;
}
