#version 460
// lrn_bwd: gradient of lrn_fwd, for x, y, scale, dy [N, C, H, W]:
//   dx[n,i,hw] = dy_i·scale_i^(−beta) − 2·a·beta·x_i·Σ_{j=max(0,i−half)}^{min(C−1,i+half)} dy_j·y_j/scale_j
// (j ranges over the channels whose window holds i; the window is symmetric). dx is overwritten.
// With FLAG_RELU_MASK in flags x is a ReLU's output and this pass is that ReLU's backward too:
// dx_i = 0 where x_i <= 0.
// One invocation per column (n, hw) walks the channels i in order; for half <= HMAX the terms
// dy_j·y_j/scale_j slide through registers (one new term per channel instead of Size), summed in
// the Go reference's order; wider windows recompute them. Dispatch: Fold(ceil(N·H·W/LOCAL_SIZE))
// workgroups of LOCAL_SIZE. CPU reference: layers/lrn.go LRNBackward
// (layers/relu_fused.go LRNReLUBackward with the flag).
#include "common.glsl"
layout(local_size_x = LOCAL_SIZE) in;
layout(push_constant, std430) uniform PC {
	F32Out dx; F32In dy; F32In x; F32In y; F32In scale;
	uint N; uint C; uint plane; uint half_; float twoAB; float beta; uint flags;
} pc;
const int HMAX = 2, WIN = 2 * HMAX + 1;

// term is dy_j·y_j/scale_j for channel j of the column at base, 0 outside [0, C).
float term(uint base, int j) {
	if (j < 0 || j >= int(pc.C)) return 0.0;
	uint at = base + uint(j) * pc.plane;
	return pc.dy.v[at] * pc.y.v[at] / pc.scale.v[at];
}

void write(uint base, uint i, float sum) {
	uint at = base + i * pc.plane;
	float x = pc.x.v[at];
	if ((pc.flags & FLAG_RELU_MASK) != 0u && !(x > 0.0)) {
		pc.dx.v[at] = 0.0;
		return;
	}
	pc.dx.v[at] = pc.dy.v[at] * pow(pc.scale.v[at], -pc.beta) - pc.twoAB * x * sum;
}

void main() {
	uint col = group_id() * LOCAL_SIZE + gl_LocalInvocationID.x;
	if (col >= pc.N * pc.plane) return;
	uint n = col / pc.plane, hw = col % pc.plane;
	uint base = n * pc.C * pc.plane + hw; // [n, 0, hw]
	int half_ = int(pc.half_), last = 2 * half_;
	if (half_ > HMAX) {
		for (uint i = 0; i < pc.C; i++) {
			float sum = 0.0;
			for (int j = int(i) - half_; j <= int(i) + half_; j++) sum += term(base, j);
			write(base, i, sum);
		}
		return;
	}
	float q[WIN];
	for (int t = 0; t < WIN; t++) q[t] = t <= last ? term(base, t - half_) : 0.0;
	for (uint i = 0; i < pc.C; i++) {
		float sum = 0.0;
		for (int t = 0; t < WIN; t++) sum += q[t];
		write(base, i, sum);
		float next = term(base, int(i) + 1 + half_);
		for (int t = 0; t < WIN - 1; t++) q[t] = t == last ? next : q[t + 1];
		q[WIN - 1] = last == WIN - 1 ? next : 0.0;
	}
}
