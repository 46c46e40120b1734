#version 460
// conv2d_wino43_input: Winograd F(4×4,3×3)'s input transform; see conv2d_wino6_input.glsl.
#define WINO43
#include "conv2d_wino6_input.glsl"
