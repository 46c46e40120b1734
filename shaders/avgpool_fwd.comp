#version 460
// avgpool_fwd: adaptive average pooling of x [NC, H, W] to y [NC, OH, OW], as PyTorch's
// AdaptiveAvgPool2d: y[nc,oh,ow] = mean of x[nc,h,w] over h in [floor(oh·H/OH), ceil((oh+1)·H/OH)),
// w likewise, summed rows then columns as the Go reference.
// Dispatch: Fold(ceil(NC·OH·OW/64)) workgroups of 64, one output per invocation.
// CPU reference: layers/avgpool.go AvgPoolForward.
#include "common.glsl"
layout(local_size_x = 64) in;
layout(push_constant, std430) uniform PC { F32Out y; F32In x; uint NC; uint H; uint W; uint OH; uint OW; } pc;

void main() {
	uint o = group_id() * 64 + gl_LocalInvocationID.x;
	if (o >= pc.NC * pc.OH * pc.OW) return;
	uint ow = o % pc.OW, oh = (o / pc.OW) % pc.OH, nc = o / (pc.OW * pc.OH);
	uint h0 = oh * pc.H / pc.OH, h1 = ((oh + 1) * pc.H + pc.OH - 1) / pc.OH;
	uint w0 = ow * pc.W / pc.OW, w1 = ((ow + 1) * pc.W + pc.OW - 1) / pc.OW;
	float sum = 0.0;
	for (uint h = h0; h < h1; h++) {
		for (uint w = w0; w < w1; w++) sum += pc.x.v[(nc * pc.H + h) * pc.W + w];
	}
	pc.y.v[o] = sum / float((h1 - h0) * (w1 - w0));
}
