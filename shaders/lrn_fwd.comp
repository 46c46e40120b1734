#version 460
// lrn_fwd: local response normalisation across channels (paper §3.3) of x [N, C, H, W]:
//   scale[n,i,h,w] = K + a·Σ_{j=max(0,i−half)}^{min(C−1,i+half)} x[n,j,h,w]²,   y = x·scale^(−beta)
// with half = Size/2 and a = Alpha or Alpha/Size (chosen on the host). One invocation per column
// (n, hw) walks the channels i in order. For half <= HMAX the window's squares slide through
// registers q[t] = x[i−half+t]² (0 outside [0, C)), so each channel loads one new x instead of
// Size; the sum still adds the squares from lo to hi, in the Go reference's order. Wider windows
// sum from memory. Dispatch: Fold(ceil(N·H·W/LOCAL_SIZE)) workgroups of LOCAL_SIZE.
// CPU reference: layers/lrn.go LRNForward.
#include "common.glsl"
layout(local_size_x = LOCAL_SIZE) in;
layout(push_constant, std430) uniform PC {
	F32Out y; F32Out scale; F32In x;
	uint N; uint C; uint plane; uint half_; float a; float beta; float K;
} pc;
const int HMAX = 2, WIN = 2 * HMAX + 1; // registers for Size <= 5, the paper's and PyTorch's

// sq is x[n, j, hw]² for channel j of the column at base, 0 outside [0, C).
float sq(uint base, int j) {
	if (j < 0 || j >= int(pc.C)) return 0.0;
	float v = pc.x.v[base + uint(j) * pc.plane];
	return v * v;
}

void write(uint base, uint i, float sum) {
	uint at = base + i * pc.plane;
	float s = pc.K + pc.a * sum;
	pc.scale.v[at] = s;
	pc.y.v[at] = pc.x.v[at] * pow(s, -pc.beta);
}

void main() {
	uint col = group_id() * LOCAL_SIZE + gl_LocalInvocationID.x;
	if (col >= pc.N * pc.plane) return;
	uint n = col / pc.plane, hw = col % pc.plane;
	uint base = n * pc.C * pc.plane + hw; // x[n, 0, hw]
	int half_ = int(pc.half_), last = 2 * half_;
	if (half_ > HMAX) {
		for (uint i = 0; i < pc.C; i++) {
			float sum = 0.0;
			for (int j = int(i) - half_; j <= int(i) + half_; j++) sum += sq(base, j);
			write(base, i, sum);
		}
		return;
	}
	float q[WIN]; // constant indices only, so q stays in registers
	for (int t = 0; t < WIN; t++) q[t] = t <= last ? sq(base, t - half_) : 0.0;
	for (uint i = 0; i < pc.C; i++) {
		float sum = 0.0;
		for (int t = 0; t < WIN; t++) sum += q[t]; // zeros past the window add exactly nothing
		write(base, i, sum);
		float next = sq(base, int(i) + 1 + half_);
		for (int t = 0; t < WIN - 1; t++) q[t] = t == last ? next : q[t + 1];
		q[WIN - 1] = last == WIN - 1 ? next : 0.0;
	}
}
