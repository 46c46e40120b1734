#version 460
// conv2d_wino43_dout: Winograd F(4×4,3×3)'s backward-filter's transform of dy's tiles; see conv2d_wino6_dout.glsl.
#define WINO43
#include "conv2d_wino6_dout.glsl"
