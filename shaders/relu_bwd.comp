#version 460
// relu_bwd: dx[i] = y[i] > 0 ? dy[i] : 0 for i < n, from the forward output y; dx may alias dy.
// Dispatch: Fold(ceil(n/2048)) workgroups of 64, 32 elements per invocation strided by 64, as
// relu_fwd. CPU reference: layers/relu.go ReLUBackward.
#include "common.glsl"
layout(local_size_x = 64) in;
layout(push_constant, std430) uniform PC { F32Out dx; F32In dy; F32In y; uint n; } pc;
const uint PER = 32;

void relu(uint i) { pc.dx.v[i] = pc.y.v[i] > 0.0 ? pc.dy.v[i] : 0.0; }

void main() {
	uint base = group_id() * (64 * PER) + gl_LocalInvocationID.x;
	if (base >= pc.n) return;
	if (base + 64 * (PER - 1) < pc.n) {
		for (uint k = 0; k < PER; k++) relu(base + 64 * k);
	} else {
		for (uint i = base; i < pc.n; i += 64) relu(i);
	}
}
