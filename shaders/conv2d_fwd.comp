#version 460
// conv2d_fwd: conv2d forward as an implicit gemm, 16 output channels × 512 positions per workgroup
// (TN = 8 per lane); conv2d_fwd_narrow has TN = 1 for at most 64 positions. See conv2d_fwd.glsl.
#define TN 8
#include "conv2d_fwd.glsl"
