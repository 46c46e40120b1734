#version 460
// test_push: y[i] = a*i + b for i < n; plumbing test of push constants and folded grids.
// Dispatch: Fold(ceil(n/LOCAL_SIZE)) workgroups of LOCAL_SIZE. CPU reference: gpu/plumbing_test.go.
#include "common.glsl"
layout(local_size_x = LOCAL_SIZE) in;
layout(push_constant, std430) uniform PC { F32Out y; uint n; float a; float b; } pc;
void main() {
	uint i = group_id() * LOCAL_SIZE + gl_LocalInvocationID.x;
	if (i >= pc.n) return;
	pc.y.v[i] = pc.a * float(i) + pc.b;
}
