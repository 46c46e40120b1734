#version 460
// conv2d_wino5_dout: Winograd F(2×2,5×5)'s backward-filter's transform of dy's tiles; see conv2d_wino6_dout.glsl.
#include "conv2d_wino6_dout.glsl"
