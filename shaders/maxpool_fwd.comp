#version 460
// maxpool_fwd: max pooling of x [NC, H, W] (NC = N·C planes) with a size×size window, stride and pad:
//   y[nc,oh,ow]   = max of x[nc,h,w] over the in-range h in [oh·stride−pad, +size), w likewise
//   arg[nc,oh,ow] = h·W + w of that max (int32), scanning rows then columns and replacing only on
//                   strictly greater, so ties keep the first
// Dispatch: Fold(ceil(NC·OH·OW/64)) workgroups of 64, one output per invocation.
// CPU reference: layers/maxpool.go MaxPoolForward.
#include "common.glsl"
layout(local_size_x = 64) in;
layout(push_constant, std430) uniform PC {
	F32Out y; I32Out arg; F32In x;
	uint NC; uint H; uint W; uint OH; uint OW; uint size; uint stride; uint pad;
} pc;

void main() {
	uint o = group_id() * 64 + gl_LocalInvocationID.x;
	if (o >= pc.NC * pc.OH * pc.OW) return;
	uint ow = o % pc.OW, oh = (o / pc.OW) % pc.OH, nc = o / (pc.OW * pc.OH);
	int h0 = int(oh * pc.stride) - int(pc.pad), w0 = int(ow * pc.stride) - int(pc.pad);
	int hEnd = min(h0 + int(pc.size), int(pc.H)), wEnd = min(w0 + int(pc.size), int(pc.W));
	uint plane = nc * pc.H * pc.W;
	float best = 0.0;
	int at = -1;
	for (int h = max(h0, 0); h < hEnd; h++) {
		for (int w = max(w0, 0); w < wEnd; w++) {
			float v = pc.x.v[plane + uint(h) * pc.W + uint(w)];
			if (at < 0 || v > best) {
				best = v;
				at = h * int(pc.W) + w;
			}
		}
	}
	pc.y.v[o] = best;
	pc.arg.v[o] = at;
}
