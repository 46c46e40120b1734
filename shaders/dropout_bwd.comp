#version 460
// dropout_bwd: dx[i] = hash(seed, step, offset+i) >= threshold ? dy[i]·scale : 0 for i < n: the
// mask of dropout_fwd for the same ctr = {seed, step} and offset; dx may alias dy.
// Dispatch: Fold(ceil(n/2048)) workgroups of 64, 32 elements per invocation strided by 64.
// CPU reference: layers/dropout.go DropoutBackward (bit-identical).
#include "common.glsl"
layout(local_size_x = 64) in;
layout(push_constant, std430) uniform PC {
	F32Out dx; F32In dy; I32In ctr;
	uint n; uint threshold; float scale; uint offset;
} pc;
const uint PER = 32;

// mix32 is layers.mix32, as in dropout_fwd.comp.
uint mix32(uint x) {
	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	x ^= x >> 16;
	return x;
}

void drop(uint i, uint key) {
	pc.dx.v[i] = mix32(key ^ (pc.offset + i)) >= pc.threshold ? pc.dy.v[i] * pc.scale : 0.0;
}

void main() {
	uint base = group_id() * (64 * PER) + gl_LocalInvocationID.x;
	if (base >= pc.n) return;
	uint key = mix32(mix32(uint(pc.ctr.v[0])) ^ uint(pc.ctr.v[1]));
	if (base + 64 * (PER - 1) < pc.n) {
		for (uint k = 0; k < PER; k++) drop(base + 64 * k, key);
	} else {
		for (uint i = base; i < pc.n; i += 64) drop(i, key);
	}
}
