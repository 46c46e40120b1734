#version 460
// relu_bwd_vec4: relu_bwd (the same rule, push constants and dispatch) over dx, dy and y read and
// written as vec4s; the caller picks it only when all three are 16-byte aligned (layers/vk/relu.go).
// Group g owns elements [g·LOCAL_SIZE·ELEM_PER_LANE, +LOCAL_SIZE·ELEM_PER_LANE): ELEM_PER_LANE/4
// vec4s per invocation LOCAL_SIZE vec4s apart, and the last n%4 elements (in the last group) one
// per invocation as single components. A CPU driver (lavapipe) loads 4 words per lane per gather
// instead of 1. CPU reference: layers/relu.go ReLUBackward.
#include "common.glsl"
#if ELEM_PER_LANE % 4 != 0 || LOCAL_SIZE < 4
#error "relu_bwd_vec4 needs ELEM_PER_LANE a multiple of 4 and LOCAL_SIZE >= 4 (the tail lanes)"
#endif
layout(local_size_x = LOCAL_SIZE) in;
layout(push_constant, std430) uniform PC { V4Out dx; V4In dy; V4In y; uint n; } pc;

void relu(uint j) { pc.dx.v[j] = mix(vec4(0.0), pc.dy.v[j], greaterThan(pc.y.v[j], vec4(0.0))); }

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
	if (i < pc.n && i - first < LOCAL_SIZE * ELEM_PER_LANE)
		pc.dx.v[n4][lane] = pc.y.v[n4][lane] > 0.0 ? pc.dy.v[n4][lane] : 0.0;
}
