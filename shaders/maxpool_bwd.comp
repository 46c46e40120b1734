#version 460
// maxpool_bwd: routes each output gradient to the input that won its window:
//   dx[nc,i] = Σ_{(oh,ow) with arg[nc,oh,ow] == i} dy[nc,oh,ow]   (overlapping windows sum)
// One invocation owns one input row (nc, h) of dx, so it can add into it without atomics: it
// zeroes the row, then for the output rows whose windows reach h, oh in
// [ceil((h+pad−size+1)/stride), floor((h+pad)/stride)] ∩ [0, OH), adds each dy whose winner lies
// in row h. Contributions to one input arrive in increasing (oh, ow), the Go reference's order.
// dx is read back only after this invocation wrote it (F32, not F32Out); its old contents are unused.
// With FLAG_RELU_MASK in flags the pool's input is a ReLU's output and this pass is that ReLU's
// backward too: only the dy of windows whose max y is positive are added (y[o] is x at the winner).
// Dispatch: Fold(ceil(NC·H/LOCAL_SIZE)) workgroups of LOCAL_SIZE. CPU reference: layers/maxpool.go MaxPoolBackward
// (layers/relu_fused.go MaxPoolReLUBackward with the flag).
#include "common.glsl"
layout(local_size_x = LOCAL_SIZE) in;
layout(push_constant, std430) uniform PC {
	F32 dx; F32In dy; I32In arg; F32In y;
	uint NC; uint H; uint W; uint OH; uint OW; uint size; uint stride; uint pad; uint flags;
} pc;

void main() {
	uint row = group_id() * LOCAL_SIZE + gl_LocalInvocationID.x; // (nc, h)
	if (row >= pc.NC * pc.H) return;
	int h = int(row % pc.H), stride = int(pc.stride);
	uint nc = row / pc.H, plane = nc * pc.H * pc.W;
	for (uint w = 0; w < pc.W; w++) pc.dx.v[row * pc.W + w] = 0.0;
	int a = h + int(pc.pad) - int(pc.size) + 1;
	int ohBeg = a <= 0 ? 0 : (a + stride - 1) / stride;
	int ohEnd = min(int(pc.OH) - 1, (h + int(pc.pad)) / stride);
	int lo = h * int(pc.W), hi = lo + int(pc.W); // plane indices of row h
	bool mask = (pc.flags & FLAG_RELU_MASK) != 0u;
	for (int oh = ohBeg; oh <= ohEnd; oh++) {
		uint o = (nc * pc.OH + uint(oh)) * pc.OW;
		for (uint ow = 0; ow < pc.OW; ow++) {
			int i = pc.arg.v[o + ow];
			if (i >= lo && i < hi && (!mask || pc.y.v[o + ow] > 0.0)) pc.dx.v[plane + uint(i)] += pc.dy.v[o + ow];
		}
	}
}
