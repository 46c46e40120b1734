#version 460
// relu_fwd_vec4: relu_fwd (the same rule, push constants and dispatch) over y and x read and
// written as vec4s; the caller picks it only when both are 16-byte aligned (layers/vk/relu.go).
// Group g owns elements [g·LOCAL_SIZE·ELEM_PER_LANE, +LOCAL_SIZE·ELEM_PER_LANE): ELEM_PER_LANE/4
// vec4s per invocation LOCAL_SIZE vec4s apart, and the last n%4 elements (in the last group) one
// per invocation as single components. A CPU driver (lavapipe) loads 4 words per lane per gather
// instead of 1. CPU reference: layers/relu.go ReLUForward.
#include "common.glsl"
#if ELEM_PER_LANE % 4 != 0 || LOCAL_SIZE < 4
#error "relu_fwd_vec4 needs ELEM_PER_LANE a multiple of 4 and LOCAL_SIZE >= 4 (the tail lanes)"
#endif
layout(local_size_x = LOCAL_SIZE) in;
layout(push_constant, std430) uniform PC { V4Out y; V4In x; uint n; } pc;

void relu(uint j) {
	vec4 v = pc.x.v[j];
	pc.y.v[j] = mix(vec4(0.0), v, greaterThan(v, vec4(0.0))); // NaN and −0 give +0, as relu_fwd
}

void main() {
	uint first = group_id() * (LOCAL_SIZE * ELEM_PER_LANE); // first element of this group
	if (first >= pc.n) return;
	const uint per = ELEM_PER_LANE / 4;
	uint n4 = pc.n / 4u, lane = gl_LocalInvocationID.x, base = first / 4u + lane;
	if (base + LOCAL_SIZE * (per - 1) < n4) {
		for (uint k = 0; k < per; k++) relu(base + LOCAL_SIZE * k); // full block
	} else {
		for (uint j = base; j < n4; j += LOCAL_SIZE) relu(j);
	}
	uint i = n4 * 4u + lane; // the n%4 tail: component lane of vec4 n4 (LOCAL_SIZE ≥ 4)
	if (i < pc.n && i - first < LOCAL_SIZE * ELEM_PER_LANE) {
		float v = pc.x.v[n4][lane];
		pc.y.v[n4][lane] = v > 0.0 ? v : 0.0;
	}
}
