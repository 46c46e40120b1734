#version 460
// sgd_update: the paper's rule (§5), in place, for i < n:
//   v[i] = mu·v[i] − wd·lr·w[i] − lr·g[i]     (the wd term only when decay != 0)
//   w[i] = w[i] + v[i]
// lr, mu, wd are read at run time from hyper = {lr, mu, wd} (float32), so a schedule changes lr
// without re-recording. Dispatch: Fold(ceil(n/(LOCAL_SIZE·ELEM_PER_LANE))) workgroups of
// LOCAL_SIZE, ELEM_PER_LANE elements per invocation LOCAL_SIZE apart. CPU reference: layers/sgd.go SGD.
#include "common.glsl"
layout(local_size_x = LOCAL_SIZE) in;
layout(push_constant, std430) uniform PC { F32 w; F32 v; F32In g; F32In hyper; uint n; uint decay; } pc;

void sgd(uint i, float lr, float mu, float wdlr) {
	float w = pc.w.v[i];
	float v = mu * pc.v.v[i] - wdlr * w - lr * pc.g.v[i];
	pc.v.v[i] = v;
	pc.w.v[i] = w + v;
}

void main() {
	uint base = group_id() * (LOCAL_SIZE * ELEM_PER_LANE) + gl_LocalInvocationID.x;
	if (base >= pc.n) return;
	float lr = pc.hyper.v[0], mu = pc.hyper.v[1];
	float wdlr = pc.decay != 0u ? pc.hyper.v[2] * lr : 0.0;
	if (base + LOCAL_SIZE * (ELEM_PER_LANE - 1) < pc.n) {
		for (uint k = 0; k < ELEM_PER_LANE; k++) sgd(base + LOCAL_SIZE * k, lr, mu, wdlr);
	} else {
		for (uint i = base; i < pc.n; i += LOCAL_SIZE) sgd(i, lr, mu, wdlr);
	}
}
