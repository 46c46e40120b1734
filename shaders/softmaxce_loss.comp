#version 460
// softmaxce_loss: fused stable softmax + cross-entropy of logits z [n, k] with labels [n] (int32):
//   m = max_j z[r,j],  lse = m + log Σ_j exp(z[r,j] − m),  loss[r] = lse − z[r,label]
//   dz[r,j] = (exp(z[r,j] − lse) − [j == label]) · gradScale
//   rank = #{j : z_j > z_label} + #{j < label : z_j == z_label};  hits[r] = {rank < 1, rank < 5}
// A label outside [0, k) (a data bug) gives loss NaN, dz 0 and no hits instead of reading past the row.
// Dispatch: Fold(n) workgroups of LOCAL_SIZE, one row per workgroup; lanes stride over the row and combine
// through shared-memory trees. CPU reference: layers/softmaxce.go SoftmaxCE and TopKCorrect.
#include "common.glsl"
layout(local_size_x = LOCAL_SIZE) in;
layout(push_constant, std430) uniform PC {
	F32Out dz; F32Out loss; I32Out hits; F32In z; I32In labels;
	uint n; uint k; float gradScale;
} pc;

shared float shf[LOCAL_SIZE];
shared uint shu[LOCAL_SIZE];

void main() {
	uint r = group_id();
	if (r >= pc.n) return; // whole workgroup: r is uniform, so the barriers below stay uniform
	uint lane = gl_LocalInvocationID.x, row = r * pc.k;
	int label = pc.labels.v[r];
	if (label < 0 || uint(label) >= pc.k) {
		for (uint j = lane; j < pc.k; j += LOCAL_SIZE) pc.dz.v[row + j] = 0.0;
		if (lane == 0) {
			pc.loss.v[r] = uintBitsToFloat(0x7FC00000u);
			pc.hits.v[2 * r] = 0;
			pc.hits.v[2 * r + 1] = 0;
		}
		return;
	}
	float m = uintBitsToFloat(0xFF800000u); // −inf
	for (uint j = lane; j < pc.k; j += LOCAL_SIZE) m = max(m, pc.z.v[row + j]);
	shf[lane] = m;
	barrier();
	for (uint s = LOCAL_SIZE / 2; s > 0; s >>= 1) {
		if (lane < s) shf[lane] = max(shf[lane], shf[lane + s]);
		barrier();
	}
	m = shf[0];
	barrier(); // everyone has read shf[0] before it is reused

	float zl = pc.z.v[row + uint(label)], sum = 0.0;
	uint rank = 0;
	for (uint j = lane; j < pc.k; j += LOCAL_SIZE) {
		float v = pc.z.v[row + j];
		sum += exp(v - m);
		if (v > zl || (int(j) < label && v == zl)) rank++;
	}
	shf[lane] = sum;
	shu[lane] = rank;
	barrier();
	for (uint s = LOCAL_SIZE / 2; s > 0; s >>= 1) {
		if (lane < s) {
			shf[lane] += shf[lane + s];
			shu[lane] += shu[lane + s];
		}
		barrier();
	}
	float lse = m + log(shf[0]);
	rank = shu[0];
	if (lane == 0) {
		pc.loss.v[r] = lse - zl;
		pc.hits.v[2 * r] = rank < 1 ? 1 : 0;
		pc.hits.v[2 * r + 1] = rank < 5 ? 1 : 0;
	}
	for (uint j = lane; j < pc.k; j += LOCAL_SIZE) {
		float g = exp(pc.z.v[row + j] - lse);
		if (int(j) == label) g -= 1.0;
		pc.dz.v[row + j] = g * pc.gradScale;
	}
}
