#version 460
// lrn_bwd: gradient of lrn_fwd, for x, y, scale, dy [N, C, H, W]:
//   dx[n,i,hw] = dy_i·scale_i^(−beta) − 2·a·beta·x_i·Σ_{j=max(0,i−half)}^{min(C−1,i+half)} dy_j·y_j/scale_j
// (j ranges over the channels whose window holds i; the window is symmetric). One invocation per
// column (n, hw) walks the channels i in order. dx is overwritten.
// Dispatch: Fold(ceil(N·H·W/64)) workgroups of 64. CPU reference: layers/lrn.go LRNBackward.
#include "common.glsl"
layout(local_size_x = 64) in;
layout(push_constant, std430) uniform PC {
	F32Out dx; F32In dy; F32In x; F32In y; F32In scale;
	uint N; uint C; uint plane; uint half_; float twoAB; float beta;
} pc;

void main() {
	uint col = group_id() * 64 + gl_LocalInvocationID.x;
	if (col >= pc.N * pc.plane) return;
	uint n = col / pc.plane, hw = col % pc.plane;
	uint base = n * pc.C * pc.plane + hw; // [n, 0, hw]
	for (uint i = 0; i < pc.C; i++) {
		uint lo = i >= pc.half_ ? i - pc.half_ : 0u, hi = min(pc.C - 1, i + pc.half_);
		float sum = 0.0;
		for (uint j = lo; j <= hi; j++) {
			uint at = base + j * pc.plane;
			sum += pc.dy.v[at] * pc.y.v[at] / pc.scale.v[at];
		}
		uint at = base + i * pc.plane;
		pc.dx.v[at] = pc.dy.v[at] * pow(pc.scale.v[at], -pc.beta) - pc.twoAB * pc.x.v[at] * sum;
	}
}
