#version 460
// conv2d_wino5_input: Winograd F(2×2,5×5)'s input transform; see conv2d_wino6_input.glsl.
#include "conv2d_wino6_input.glsl"
