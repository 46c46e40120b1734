// gemm_push.glsl: the push constants of every gemm kernel variant, mirrored by gemmPC in
// layers/vk/gemm.go (checked against the SPIR-V when the pipeline is created).
layout(push_constant, std430) uniform PC {
	F32 c; F32In a; F32In b; F32In bias;
	uint M, N, K1, K2, ND;
	uint sam, sak1, sak2;
	uint sbk1, sbk2, sbn1, sbn2;
	uint scm, scn1, scn2;
	uint saz, sbz, scz, sbiasz;
	uint flags;
	uint splits, scs; // split-K: grid z = group·splits + split; split s sums k1 in its share and
	                  // writes (no bias, no accumulate) to C + s·scs, for gemm_reduce to add up
} pc;
