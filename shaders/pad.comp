#version 460
// pad: xp[n, c, hp, wp] = x[n, c, hp − pad, wp − pad], 0 outside x, for hp < H + 2·pad and
// wp < W + 2·pad: the zero-padded input conv2d_fwd reads without bounds checks.
// One invocation per column (n·C + c, wp) of xp, walking down it: neighbouring invocations store
// neighbouring words, and the index division is once per invocation, not per element. (One per
// row, walking along it, left the lanes of each store a row apart: pads took about 15 % longer.)
// Dispatch: Fold(ceil(N·C·Wp / LOCAL_SIZE)). CPU reference: padRef in layers/vk/conv2d.go.
#include "common.glsl"
layout(local_size_x = LOCAL_SIZE) in;
layout(push_constant, std430) uniform PC {
	F32Out xp; F32In x;
	uint NC, H, W, pad;
} pc;
void main() {
	uint col = group_id() * LOCAL_SIZE + gl_LocalInvocationID.x;
	uint Hp = pc.H + 2 * pc.pad, Wp = pc.W + 2 * pc.pad;
	if (col >= pc.NC * Wp) return;
	uint wp = col % Wp, nc = col / Wp;
	uint w = wp - pc.pad; // wraps to a huge value left of x
	bool inside = w < pc.W;
	uint dst = nc * Hp * Wp + wp;
	uint src = nc * pc.H * pc.W + (inside ? w : 0u); // a valid address even where unused
	for (uint i = 0; i < pc.pad; i++) {
		pc.xp.v[dst + i * Wp] = 0.0;
		pc.xp.v[dst + (pc.pad + pc.H + i) * Wp] = 0.0;
	}
	dst += pc.pad * Wp;
	for (uint h = 0; h < pc.H; h++) pc.xp.v[dst + h * Wp] = inside ? pc.x.v[src + h * pc.W] : 0.0;
}
