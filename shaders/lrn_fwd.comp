#version 460
// lrn_fwd: local response normalisation across channels (paper §3.3) of x [N, C, H, W]:
//   scale[n,i,h,w] = K + a·Σ_{j=max(0,i−half)}^{min(C−1,i+half)} x[n,j,h,w]²,   y = x·scale^(−beta)
// with half = Size/2 and a = Alpha or Alpha/Size (chosen on the host). One invocation per column
// (n, hw) walks the channels i in order. For half <= HMAX the window's squares slide through
// registers q[t] = x[i−half+t]² (0 outside [0, C)) beside x itself, so each channel loads one new x
// instead of Size, and not again for its own y; the sum still adds the squares from lo to hi, in
// the Go reference's order. Wider windows sum from memory. Dispatch: Fold(ceil(N·H·W/LOCAL_SIZE)) workgroups of LOCAL_SIZE.
// CPU reference: layers/lrn.go LRNForward.
#include "common.glsl"
layout(local_size_x = LOCAL_SIZE) in;
layout(push_constant, std430) uniform PC {
	F32Out y; F32Out scale; F32In x;
	uint N; uint C; uint plane; uint half_; float a; float beta; float K;
} pc;
const int HMAX = 2, WIN = 2 * HMAX + 1; // registers for Size <= 5, the paper's and PyTorch's

// xat is x[n, j, hw] for channel j of the column at base, 0 outside [0, C).
float xat(uint base, int j) {
	if (j < 0 || j >= int(pc.C)) return 0.0;
	return pc.x.v[base + uint(j) * pc.plane];
}

// write stores scale and y for channel i, whose input is x.
void write(uint base, uint i, float sum, float x) {
	uint at = base + i * pc.plane;
	float s = pc.K + pc.a * sum;
	pc.scale.v[at] = s;
	pc.y.v[at] = x * pow(s, -pc.beta);
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
			for (int j = int(i) - half_; j <= int(i) + half_; j++) {
				float v = xat(base, j);
				sum += v * v;
			}
			write(base, i, sum, xat(base, int(i)));
		}
		return;
	}
	// Slot t holds channel i − half + t: x and x² (constant indices only, so the windows stay in
	// registers); channel i's own x is slot half, picked by selects.
	float q[WIN], xw[WIN];
	for (int t = 0; t < WIN; t++) {
		xw[t] = t <= last ? xat(base, t - half_) : 0.0;
		q[t] = xw[t] * xw[t];
	}
	for (uint i = 0; i < pc.C; i++) {
		float sum = 0.0, xi = 0.0;
		for (int t = 0; t < WIN; t++) {
			sum += q[t]; // zeros past the window add exactly nothing
			xi = t == half_ ? xw[t] : xi;
		}
		write(base, i, sum, xi);
		float nx = xat(base, int(i) + 1 + half_);
		for (int t = 0; t < WIN - 1; t++) {
			xw[t] = t == last ? nx : xw[t + 1];
			q[t] = t == last ? nx * nx : q[t + 1];
		}
		xw[WIN - 1] = last == WIN - 1 ? nx : 0.0;
		q[WIN - 1] = last == WIN - 1 ? nx * nx : 0.0;
	}
}
