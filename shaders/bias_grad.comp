#version 460
// bias_grad: db[k] += Σ_{n<N} Σ_{p<P} dy[n·sN + k·sK + p] (conv: sN = K·P, sK = P; linear: P = 1,
// sK = 1, sN = K). One workgroup per k: LOCAL_SIZE lanes stride over (n, p), then a shared-memory tree.
// Dispatch: (K, 1, 1) folded. CPU reference: the db part of layers.Conv2DBackwardFilter / LinearBackwardWeight.
#include "common.glsl"
layout(local_size_x = LOCAL_SIZE) in;
layout(push_constant, std430) uniform PC {
	F32 db; F32In dy;
	uint K, N, P, sN, sK;
} pc;
shared float part[LOCAL_SIZE];
void main() {
	uint k = group_id();
	if (k >= pc.K) return; // uniform per workgroup
	uint lane = gl_LocalInvocationID.x;
	float sum = 0.0;
	uint total = pc.N * pc.P;
	// j = n·P + p steps by LOCAL_SIZE = qs·P + rs: (n, p) advance by (qs, rs) with one carry, no
	// division per element (rs < P, so p stays below 2·P before the carry).
	uint qs = LOCAL_SIZE / pc.P, rs = LOCAL_SIZE - qs * pc.P;
	uint n = lane / pc.P, p = lane - n * pc.P;
	for (uint j = lane; j < total; j += LOCAL_SIZE) {
		sum += pc.dy.v[n * pc.sN + k * pc.sK + p];
		n += qs;
		p += rs;
		if (p >= pc.P) {
			p -= pc.P;
			n++;
		}
	}
	part[lane] = sum;
	barrier();
	for (uint w = LOCAL_SIZE / 2; w > 0; w >>= 1) {
		if (lane < w) part[lane] += part[lane + w];
		barrier();
	}
	if (lane == 0) pc.db.v[k] += part[0];
}
