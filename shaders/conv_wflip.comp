#version 460
// conv_wflip: wf[z·CG + c][k][r][s] = w[z·KG + k][c][R−1−r][S−1−s]: the filters of conv2d's
// backward-data pass as a forward convolution (stride 1: dx = conv(dy padded by R−1−pad, wf)), per
// group of KG output and CG input channels. One invocation per element of wf.
// Dispatch: Fold(ceil(G·CG·KG·R·S / LOCAL_SIZE)). CPU reference: wflipRef in layers/vk/conv2d.go.
#include "common.glsl"
layout(local_size_x = LOCAL_SIZE) in;
layout(push_constant, std430) uniform PC {
	F32Out wf; F32In w;
	uint KG, CG, R, S, total;
} pc;
void main() {
	uint i = group_id() * LOCAL_SIZE + gl_LocalInvocationID.x;
	if (i >= pc.total) return;
	uint RS = pc.R * pc.S;
	uint s = i % pc.S, r = (i / pc.S) % pc.R;
	uint k = (i / RS) % pc.KG, zc = i / (RS * pc.KG);
	uint c = zc % pc.CG, z = zc / pc.CG;
	pc.wf.v[i] = pc.w.v[((z * pc.KG + k) * pc.CG + c) * RS + (pc.R - 1 - r) * pc.S + (pc.S - 1 - s)];
}
