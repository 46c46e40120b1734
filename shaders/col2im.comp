#version 460
// col2im: dx[n, c, h, w] = Σ over (r, s, oh, ow) with oh·stride − pad + r = h and ow·stride − pad + s = w
// of dcol[n][(c·R + r)·S + s][oh·OW + ow] (im2col's layout); dx is overwritten. A gather over the columns that read
// each input element (no atomics): oh runs over ceil((h + pad − R + 1)/stride) .. floor((h + pad)/stride).
// One invocation per element of dx. Dispatch: Fold(ceil(N·C·H·W / LOCAL_SIZE)). CPU reference: col2imRef.
#include "common.glsl"
layout(local_size_x = LOCAL_SIZE) in;
layout(push_constant, std430) uniform PC {
	F32Out dx; F32In dcol;
	uint N, C, H, W, R, S, stride, pad, OH, OW;
} pc;
void main() {
	uint i = group_id() * LOCAL_SIZE + gl_LocalInvocationID.x;
	if (i >= pc.N * pc.C * pc.H * pc.W) return;
	uint w = i % pc.W, h = (i / pc.W) % pc.H;
	uint nc = i / (pc.H * pc.W);
	uint c = nc % pc.C, n = nc / pc.C;
	int hp = int(h + pc.pad), wp = int(w + pc.pad);
	int st = int(pc.stride);
	int oh0 = max(0, (hp - int(pc.R) + st) / st), oh1 = min(int(pc.OH) - 1, hp / st);
	int ow0 = max(0, (wp - int(pc.S) + st) / st), ow1 = min(int(pc.OW) - 1, wp / st);
	uint ohw = pc.OH * pc.OW;
	uint base = (n * pc.C + c) * pc.R * pc.S * ohw;
	float sum = 0.0;
	for (int oh = oh0; oh <= oh1; oh++) {
		uint r = uint(hp - oh * st);
		for (int ow = ow0; ow <= ow1; ow++) {
			uint s = uint(wp - ow * st);
			sum += pc.dcol.v[base + (r * pc.S + s) * ohw + uint(oh) * pc.OW + uint(ow)];
		}
	}
	pc.dx.v[i] = sum;
}
