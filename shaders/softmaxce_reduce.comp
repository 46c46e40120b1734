#version 460
// softmaxce_reduce: batch totals of softmaxce_loss's per-sample results, so the host reads 12 bytes:
//   stats = {Σ_r loss[r], Σ_r hits[r][0], Σ_r hits[r][1]} as float32 (counts exact below 2²⁴)
// Dispatch: one workgroup of LOCAL_SIZE; lanes stride over the n samples and combine through a shared-memory
// tree. CPU reference: layers/softmaxce.go (the sum of SoftmaxCE's loss, TopKCorrect with 1 and 5).
#include "common.glsl"
layout(local_size_x = LOCAL_SIZE) in;
layout(push_constant, std430) uniform PC { F32Out stats; F32In loss; I32In hits; uint n; } pc;

shared float shf[LOCAL_SIZE];
shared uint sh1[LOCAL_SIZE], sh5[LOCAL_SIZE];

void main() {
	uint lane = gl_LocalInvocationID.x;
	if (group_id() > 0) return;
	float sum = 0.0;
	uint top1 = 0, top5 = 0;
	for (uint r = lane; r < pc.n; r += LOCAL_SIZE) {
		sum += pc.loss.v[r];
		top1 += uint(pc.hits.v[2 * r]);
		top5 += uint(pc.hits.v[2 * r + 1]);
	}
	shf[lane] = sum;
	sh1[lane] = top1;
	sh5[lane] = top5;
	barrier();
	for (uint s = LOCAL_SIZE / 2; s > 0; s >>= 1) {
		if (lane < s) {
			shf[lane] += shf[lane + s];
			sh1[lane] += sh1[lane + s];
			sh5[lane] += sh5[lane + s];
		}
		barrier();
	}
	if (lane == 0) {
		pc.stats.v[0] = shf[0];
		pc.stats.v[1] = float(sh1[0]);
		pc.stats.v[2] = float(sh5[0]);
	}
}
