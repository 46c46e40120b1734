#version 460
// pad: xp[n, c, hp, wp] = x[n, c, hp − pad, wp − pad], 0 outside x, for hp < H + 2·pad and
// wp < W + 2·pad: the zero-padded input conv2d_fwd reads without bounds checks.
// One invocation per element of xp. Dispatch: Fold(ceil(N·C·Hp·Wp / 64)). CPU reference: padRef in
// layers/vk/conv2d.go.
#include "common.glsl"
layout(local_size_x = 64) in;
layout(push_constant, std430) uniform PC {
	F32Out xp; F32In x;
	uint NC, H, W, pad;
} pc;
void main() {
	uint i = group_id() * 64 + gl_LocalInvocationID.x;
	uint Hp = pc.H + 2 * pc.pad, Wp = pc.W + 2 * pc.pad;
	if (i >= pc.NC * Hp * Wp) return;
	uint wp = i % Wp, hp = (i / Wp) % Hp, nc = i / (Wp * Hp);
	uint h = hp - pc.pad, w = wp - pc.pad; // wraps to a huge value left of or above x
	pc.xp.v[i] = (h < pc.H && w < pc.W) ? pc.x.v[(nc * pc.H + h) * pc.W + w] : 0.0;
}
