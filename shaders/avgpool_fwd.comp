#version 460
// avgpool_fwd: adaptive average pooling of x [NC, H, W] to y [NC, OH, OW], as PyTorch's
// AdaptiveAvgPool2d: y[nc,oh,ow] = mean of x[nc,h,w] over h in [floor(oh·H/OH), ceil((oh+1)·H/OH)),
// w likewise, summed rows then columns as the Go reference. One invocation per output row (nc, oh).
// Dispatch: Fold(ceil(NC·OH/LOCAL_SIZE)) workgroups of LOCAL_SIZE. CPU reference: layers/avgpool.go AvgPoolForward.
#include "common.glsl"
layout(local_size_x = LOCAL_SIZE) in;
layout(push_constant, std430) uniform PC { F32Out y; F32In x; uint NC; uint H; uint W; uint OH; uint OW; } pc;

void main() {
	uint row = group_id() * LOCAL_SIZE + gl_LocalInvocationID.x; // (nc, oh)
	if (row >= pc.NC * pc.OH) return;
	uint oh = row % pc.OH, nc = row / pc.OH;
	uint h0 = oh * pc.H / pc.OH, h1 = ((oh + 1) * pc.H + pc.OH - 1) / pc.OH;
	for (uint ow = 0; ow < pc.OW; ow++) {
		uint w0 = ow * pc.W / pc.OW, w1 = ((ow + 1) * pc.W + pc.OW - 1) / pc.OW;
		float sum = 0.0;
		for (uint h = h0; h < h1; h++) {
			for (uint w = w0; w < w1; w++) sum += pc.x.v[(nc * pc.H + h) * pc.W + w];
		}
		pc.y.v[row * pc.OW + ow] = sum / float((h1 - h0) * (w1 - w0));
	}
}
