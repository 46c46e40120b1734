#version 460
// relu_fwd: y[i] = x[i] > 0 ? x[i] : 0 for i < n; y may alias x (in place). NaN and −0 give +0, as
// the Go reference's comparison does.
// Dispatch: Fold(ceil(n/(LOCAL_SIZE·ELEM_PER_LANE))) workgroups of LOCAL_SIZE (contract.glsl);
// invocation l of group g handles i = g·LOCAL_SIZE·ELEM_PER_LANE + l + LOCAL_SIZE·k for
// k < ELEM_PER_LANE (coalesced across lanes; many elements per invocation amortise lavapipe's
// per-invocation cost). CPU reference: layers/relu.go ReLUForward.
#include "common.glsl"
layout(local_size_x = LOCAL_SIZE) in;
layout(push_constant, std430) uniform PC { F32Out y; F32In x; uint n; } pc;

void relu(uint i) {
	float v = pc.x.v[i];
	pc.y.v[i] = v > 0.0 ? v : 0.0;
}

void main() {
	uint base = group_id() * (LOCAL_SIZE * ELEM_PER_LANE) + gl_LocalInvocationID.x;
	if (base >= pc.n) return;
	if (base + LOCAL_SIZE * (ELEM_PER_LANE - 1) < pc.n) {
		for (uint k = 0; k < ELEM_PER_LANE; k++) relu(base + LOCAL_SIZE * k); // full block: no per-element test
	} else {
		for (uint i = base; i < pc.n; i += LOCAL_SIZE) relu(i);
	}
}
