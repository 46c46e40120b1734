#version 460
// pad: xp[n, c, hp, wp] = x[n, c, hp − pad, wp − pad], 0 outside x, for hp < H + 2·pad and
// wp < W + 2·pad: the zero-padded input conv2d_fwd reads without bounds checks.
// One invocation per row (n·C + c, hp) of xp, looping along it (no per-element index divisions).
// Dispatch: Fold(ceil(N·C·Hp / LOCAL_SIZE)). CPU reference: padRef in layers/vk/conv2d.go.
#include "common.glsl"
layout(local_size_x = LOCAL_SIZE) in;
layout(push_constant, std430) uniform PC {
	F32Out xp; F32In x;
	uint NC, H, W, pad;
} pc;
void main() {
	uint row = group_id() * LOCAL_SIZE + gl_LocalInvocationID.x;
	uint Hp = pc.H + 2 * pc.pad, Wp = pc.W + 2 * pc.pad;
	if (row >= pc.NC * Hp) return;
	uint hp = row % Hp, nc = row / Hp;
	uint h = hp - pc.pad; // wraps to a huge value above x
	uint dst = row * Wp;
	if (h >= pc.H) {
		for (uint i = 0; i < Wp; i++) pc.xp.v[dst + i] = 0.0;
		return;
	}
	uint src = (nc * pc.H + h) * pc.W;
	for (uint i = 0; i < pc.pad; i++) {
		pc.xp.v[dst + i] = 0.0;
		pc.xp.v[dst + pc.pad + pc.W + i] = 0.0;
	}
	for (uint w = 0; w < pc.W; w++) pc.xp.v[dst + pc.pad + w] = pc.x.v[src + w];
}
