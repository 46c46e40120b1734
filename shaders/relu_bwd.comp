#version 460
// relu_bwd: dx[i] = y[i] > 0 ? dy[i] : 0 for i < n, from the forward output y; dx may alias dy.
// Dispatch: Fold(ceil(n/(LOCAL_SIZE·ELEM_PER_LANE))) workgroups of LOCAL_SIZE, ELEM_PER_LANE
// elements per invocation LOCAL_SIZE apart, as relu_fwd. CPU reference: layers/relu.go ReLUBackward.
#include "common.glsl"
layout(local_size_x = LOCAL_SIZE) in;
layout(push_constant, std430) uniform PC { F32Out dx; F32In dy; F32In y; uint n; } pc;

void relu(uint i) { pc.dx.v[i] = pc.y.v[i] > 0.0 ? pc.dy.v[i] : 0.0; }

void main() {
	uint base = group_id() * (LOCAL_SIZE * ELEM_PER_LANE) + gl_LocalInvocationID.x;
	if (base >= pc.n) return;
	if (base + LOCAL_SIZE * (ELEM_PER_LANE - 1) < pc.n) {
		for (uint k = 0; k < ELEM_PER_LANE; k++) relu(base + LOCAL_SIZE * k);
	} else {
		for (uint i = base; i < pc.n; i += LOCAL_SIZE) relu(i);
	}
}
