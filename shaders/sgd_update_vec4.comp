#version 460
// sgd_update_vec4: sgd_update (the same rule, push constants and dispatch) over w, v and g read and
// written as vec4s; the caller picks it only when all three are 16-byte aligned (layers/vk/sgd.go).
// Group g owns elements [g·LOCAL_SIZE·ELEM_PER_LANE, +LOCAL_SIZE·ELEM_PER_LANE): ELEM_PER_LANE/4
// vec4s per invocation LOCAL_SIZE vec4s apart, and the last n%4 elements (in the last group) one
// per invocation as single components. A CPU driver (lavapipe) loads 4 words per lane per gather
// instead of 1: about twice as fast there. CPU reference: layers/sgd.go SGD.
#include "common.glsl"
#if ELEM_PER_LANE % 4 != 0 || LOCAL_SIZE < 4
#error "sgd_update_vec4 needs ELEM_PER_LANE a multiple of 4 and LOCAL_SIZE >= 4 (the tail lanes)"
#endif
layout(local_size_x = LOCAL_SIZE) in;
layout(push_constant, std430) uniform PC { V4 w; V4 v; V4In g; F32In hyper; uint n; uint decay; } pc;

void sgd(uint j, float lr, float mu, float wdlr) {
	vec4 w = pc.w.v[j];
	vec4 v = mu * pc.v.v[j] - wdlr * w - lr * pc.g.v[j];
	pc.v.v[j] = v;
	pc.w.v[j] = w + v;
}

void main() {
	uint first = group_id() * (LOCAL_SIZE * ELEM_PER_LANE); // first element of this group
	if (first >= pc.n) return;
	float lr = pc.hyper.v[0], mu = pc.hyper.v[1];
	float wdlr = pc.decay != 0u ? pc.hyper.v[2] * lr : 0.0;
	const uint per = ELEM_PER_LANE / 4;
	uint n4 = pc.n / 4u, lane = gl_LocalInvocationID.x, base = first / 4u + lane;
	if (base + LOCAL_SIZE * (per - 1) < n4) {
		for (uint k = 0; k < per; k++) sgd(base + LOCAL_SIZE * k, lr, mu, wdlr); // full block
	} else {
		for (uint j = base; j < n4; j += LOCAL_SIZE) sgd(j, lr, mu, wdlr);
	}
	uint c = lane, i = n4 * 4u + c; // the n%4 tail: components c of vec4 n4 (LOCAL_SIZE ≥ 4)
	if (i < pc.n && i - first < LOCAL_SIZE * ELEM_PER_LANE) {
		float w = pc.w.v[n4][c];
		float v = mu * pc.v.v[n4][c] - wdlr * w - lr * pc.g.v[n4][c];
		pc.v.v[n4][c] = v;
		pc.w.v[n4][c] = w + v;
	}
}
