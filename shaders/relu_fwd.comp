#version 460
// relu_fwd: y[i] = x[i] > 0 ? x[i] : 0 for i < n; y may alias x (in place). NaN and −0 give +0, as
// the Go reference's comparison does.
// Dispatch: Fold(ceil(n/2048)) workgroups of 64; invocation l of group g handles
// i = g·2048 + l + 64·k for k < 32 (coalesced across lanes; many elements per invocation amortise
// lavapipe's per-invocation cost). CPU reference: layers/relu.go ReLUForward.
#include "common.glsl"
layout(local_size_x = 64) in;
layout(push_constant, std430) uniform PC { F32Out y; F32In x; uint n; } pc;
const uint PER = 32; // elements per invocation: elemPerGroup = 64·PER in layers/vk/relu.go

void relu(uint i) {
	float v = pc.x.v[i];
	pc.y.v[i] = v > 0.0 ? v : 0.0;
}

void main() {
	uint base = group_id() * (64 * PER) + gl_LocalInvocationID.x;
	if (base >= pc.n) return;
	if (base + 64 * (PER - 1) < pc.n) {
		for (uint k = 0; k < PER; k++) relu(base + 64 * k); // full block: no per-element test
	} else {
		for (uint i = base; i < pc.n; i += 64) relu(i);
	}
}
