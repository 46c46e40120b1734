#version 460
// sgd_update: the paper's rule (§5), in place, for i < n:
//   v[i] = mu·v[i] − wd·lr·w[i] − lr·g[i]     (the wd term only when decay != 0)
//   w[i] = w[i] + v[i]
// lr, mu, wd are read at run time from hyper = {lr, mu, wd} (float32), so a schedule changes lr
// without re-recording. Dispatch: Fold(ceil(n/2048)) workgroups of 64, 32 elements per invocation
// strided by 64. CPU reference: layers/sgd.go SGD.
#include "common.glsl"
layout(local_size_x = 64) in;
layout(push_constant, std430) uniform PC { F32 w; F32 v; F32In g; F32In hyper; uint n; uint decay; } pc;
const uint PER = 32;

void sgd(uint i, float lr, float mu, float wdlr) {
	float w = pc.w.v[i];
	float v = mu * pc.v.v[i] - wdlr * w - lr * pc.g.v[i];
	pc.v.v[i] = v;
	pc.w.v[i] = w + v;
}

void main() {
	uint base = group_id() * (64 * PER) + gl_LocalInvocationID.x;
	if (base >= pc.n) return;
	float lr = pc.hyper.v[0], mu = pc.hyper.v[1];
	float wdlr = pc.decay != 0u ? pc.hyper.v[2] * lr : 0.0;
	if (base + 64 * (PER - 1) < pc.n) {
		for (uint k = 0; k < PER; k++) sgd(base + 64 * k, lr, mu, wdlr);
	} else {
		for (uint i = base; i < pc.n; i += 64) sgd(i, lr, mu, wdlr);
	}
}
