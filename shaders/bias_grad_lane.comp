#version 460
// bias_grad_lane: db[k] += Σ_{n<N} Σ_{p<P} dy[n·sN + k·sK + p], as bias_grad, with one invocation
// per k that walks its N·P values itself: no shared memory, no barriers. For many k over few values
// each (linear layers: P = 1, neighbouring lanes read neighbouring words), where bias_grad's
// workgroup per k would spend its time in the reduction tree's barriers.
// Dispatch: Fold(ceil(K/LOCAL_SIZE)) workgroups. CPU reference: the db part of
// layers.Conv2DBackwardFilter / LinearBackwardWeight.
#include "common.glsl"
layout(local_size_x = LOCAL_SIZE) in;
layout(push_constant, std430) uniform PC {
	F32 db; F32In dy;
	uint K, N, P, sN, sK;
} pc;
void main() {
	uint k = group_id() * LOCAL_SIZE + gl_LocalInvocationID.x;
	if (k >= pc.K) return;
	float sum = 0.0;
	uint base = k * pc.sK;
	for (uint n = 0; n < pc.N; n++, base += pc.sN) {
		for (uint p = 0; p < pc.P; p++) sum += pc.dy.v[base + p];
	}
	pc.db.v[k] += sum;
}
