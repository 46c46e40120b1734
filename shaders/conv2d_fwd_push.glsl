// conv2d_fwd_push.glsl: the push constants of every conv2d_fwd kernel variant, mirrored by convPC
// in layers/vk/conv2d.go (checked against the SPIR-V when the pipeline is created).
layout(push_constant, std430) uniform PC {
	F32Out y; F32In w; F32In xp; F32In bias;
	uint KG, NCOL, OHW, OW, CG, R, S, Wp, HWp, stride;
	uint sxn, sxz, syn, syz, flags;
} pc;
