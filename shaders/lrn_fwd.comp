#version 460
// lrn_fwd: local response normalisation across channels (paper §3.3) of x [N, C, H, W]:
//   scale[n,i,h,w] = K + a·Σ_{j=max(0,i−half)}^{min(C−1,i+half)} x[n,j,h,w]²,   y = x·scale^(−beta)
// with half = Size/2 and a = Alpha or Alpha/Size (chosen on the host). One invocation per column
// (n, hw) walks the channels i in order, summing the window as the Go reference does.
// Dispatch: Fold(ceil(N·H·W/64)) workgroups of 64. CPU reference: layers/lrn.go LRNForward.
#include "common.glsl"
layout(local_size_x = 64) in;
layout(push_constant, std430) uniform PC {
	F32Out y; F32Out scale; F32In x;
	uint N; uint C; uint plane; uint half_; float a; float beta; float K;
} pc;

void main() {
	uint col = group_id() * 64 + gl_LocalInvocationID.x;
	if (col >= pc.N * pc.plane) return;
	uint n = col / pc.plane, hw = col % pc.plane;
	uint base = n * pc.C * pc.plane + hw; // x[n, 0, hw]
	for (uint i = 0; i < pc.C; i++) {
		uint lo = i >= pc.half_ ? i - pc.half_ : 0u, hi = min(pc.C - 1, i + pc.half_);
		float sum = 0.0;
		for (uint j = lo; j <= hi; j++) {
			float v = pc.x.v[base + j * pc.plane];
			sum += v * v;
		}
		uint at = base + i * pc.plane;
		float s = pc.K + pc.a * sum;
		pc.scale.v[at] = s;
		pc.y.v[at] = pc.x.v[at] * pow(s, -pc.beta);
	}
}
