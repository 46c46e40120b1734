#version 460
// maxpool_fwd: max pooling of x [NC, H, W] (NC = N·C planes) with a size×size window, stride and pad:
//   y[nc,oh,ow]   = max of x[nc,h,w] over the in-range h in [oh·stride−pad, +size), w likewise
//   arg[nc,oh,ow] = h·W + w of that max (int32), scanning rows then columns and replacing only on
//                   strictly greater, so ties keep the first
// One invocation per output row (nc, oh), so index arithmetic (integer division is slow on a CPU
// device) is done once per row. Dispatch: Fold(ceil(NC·OH/LOCAL_SIZE)) workgroups of LOCAL_SIZE.
// CPU reference: layers/maxpool.go MaxPoolForward.
#include "common.glsl"
layout(local_size_x = LOCAL_SIZE) in;
layout(push_constant, std430) uniform PC {
	F32Out y; I32Out arg; F32In x;
	uint NC; uint H; uint W; uint OH; uint OW; uint size; uint stride; uint pad;
} pc;

void main() {
	uint row = group_id() * LOCAL_SIZE + gl_LocalInvocationID.x; // (nc, oh)
	if (row >= pc.NC * pc.OH) return;
	uint oh = row % pc.OH, nc = row / pc.OH;
	int W = int(pc.W), h0 = int(oh * pc.stride) - int(pc.pad);
	int hBeg = max(h0, 0), hEnd = min(h0 + int(pc.size), int(pc.H));
	uint plane = nc * pc.H * pc.W, o = row * pc.OW;
	int w0 = -int(pc.pad);
	for (uint ow = 0; ow < pc.OW; ow++, w0 += int(pc.stride)) {
		int wBeg = max(w0, 0), wEnd = min(w0 + int(pc.size), W);
		float best = 0.0;
		int at = -1;
		for (int h = hBeg; h < hEnd; h++) {
			for (int w = wBeg; w < wEnd; w++) {
				float v = pc.x.v[plane + uint(h * W + w)];
				if (at < 0 || v > best) {
					best = v;
					at = h * W + w;
				}
			}
		}
		pc.y.v[o + ow] = best;
		pc.arg.v[o + ow] = at;
	}
}
