#version 460
// dropout_bwd: dx[i] = hash(seed, step, offset+i) >= threshold ? dy[i]·scale : 0 for i < n: the
// mask of dropout_fwd for the same ctr = {seed, step} and offset; dx may alias dy.
// Dispatch: Fold(ceil(n/(LOCAL_SIZE·ELEM_PER_LANE))) workgroups of LOCAL_SIZE, ELEM_PER_LANE
// elements per invocation LOCAL_SIZE apart.
// CPU reference: layers/dropout.go DropoutBackward (bit-identical).
#include "common.glsl"
layout(local_size_x = LOCAL_SIZE) in;
layout(push_constant, std430) uniform PC {
	F32Out dx; F32In dy; I32In ctr;
	uint n; uint threshold; float scale; uint offset;
} pc;

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
	uint base = group_id() * (LOCAL_SIZE * ELEM_PER_LANE) + gl_LocalInvocationID.x;
	if (base >= pc.n) return;
	uint key = mix32(mix32(uint(pc.ctr.v[0])) ^ uint(pc.ctr.v[1]));
	if (base + LOCAL_SIZE * (ELEM_PER_LANE - 1) < pc.n) {
		for (uint k = 0; k < ELEM_PER_LANE; k++) drop(base + LOCAL_SIZE * k, key);
	} else {
		for (uint i = base; i < pc.n; i += LOCAL_SIZE) drop(i, key);
	}
}
