#version 460
// dropout_fwd: y[i] = hash(seed, step, offset+i) >= threshold ? x[i]·scale : 0 for i < n, with
// hash(s, t, j) = mix32(mix32(mix32(s) ^ t) ^ j) and scale = float32(1/(1−p)); y may alias x.
// seed and step are read at run time from ctr = {seed, step} (uint32), so one recorded sequence
// draws a new mask each step; threshold, scale and offset are push constants.
// Dispatch: Fold(ceil(n/(LOCAL_SIZE·ELEM_PER_LANE))) workgroups of LOCAL_SIZE, ELEM_PER_LANE
// elements per invocation LOCAL_SIZE apart.
// CPU reference: layers/dropout.go DropoutForward (bit-identical).
#include "common.glsl"
layout(local_size_x = LOCAL_SIZE) in;
layout(push_constant, std430) uniform PC {
	F32Out y; F32In x; I32In ctr;
	uint n; uint threshold; float scale; uint offset;
} pc;

// mix32 is layers.mix32: a 32-bit xorshift-multiply finaliser (uint arithmetic wraps as Go's uint32).
uint mix32(uint x) {
	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	x ^= x >> 16;
	return x;
}

void drop(uint i, uint key) {
	pc.y.v[i] = mix32(key ^ (pc.offset + i)) >= pc.threshold ? pc.x.v[i] * pc.scale : 0.0;
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
