#version 460
// maxpool_bwd: routes each output gradient to the input that won its window, gathering per input
// (no atomics): dx[nc,h,w] = Σ_{(oh,ow) whose window holds (h,w), arg[nc,oh,ow] == h·W+w} dy[nc,oh,ow].
// The windows holding row h are oh in [ceil((h+pad−size+1)/stride), floor((h+pad)/stride)] ∩ [0, OH);
// likewise for columns. Summed in increasing (oh, ow), the Go reference's order. dx is overwritten.
// Dispatch: Fold(ceil(NC·H·W/64)) workgroups of 64, one input per invocation.
// CPU reference: layers/maxpool.go MaxPoolBackward.
#include "common.glsl"
layout(local_size_x = 64) in;
layout(push_constant, std430) uniform PC {
	F32Out dx; F32In dy; I32In arg;
	uint NC; uint H; uint W; uint OH; uint OW; uint size; uint stride; uint pad;
} pc;

// first returns the first window index whose span [o·stride−pad, +size) reaches position p.
int first(int p) {
	int a = p + int(pc.pad) - int(pc.size) + 1;
	return a <= 0 ? 0 : (a + int(pc.stride) - 1) / int(pc.stride);
}

void main() {
	uint i = group_id() * 64 + gl_LocalInvocationID.x;
	if (i >= pc.NC * pc.H * pc.W) return;
	int w = int(i % pc.W), h = int((i / pc.W) % pc.H);
	uint nc = i / (pc.W * pc.H);
	int ohEnd = min(int(pc.OH) - 1, (h + int(pc.pad)) / int(pc.stride));
	int owEnd = min(int(pc.OW) - 1, (w + int(pc.pad)) / int(pc.stride));
	int at = h * int(pc.W) + w;
	float sum = 0.0;
	for (int oh = first(h); oh <= ohEnd; oh++) {
		for (int ow = first(w); ow <= owEnd; ow++) {
			uint o = (nc * pc.OH + uint(oh)) * pc.OW + uint(ow);
			if (pc.arg.v[o] == at) sum += pc.dy.v[o];
		}
	}
	pc.dx.v[i] = sum;
}
