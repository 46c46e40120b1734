#version 460
// conv2d_wino43_output: Winograd F(4×4,3×3)'s output transform (bias, ReLU fused); see conv2d_wino6_output.glsl.
#define WINO43
#include "conv2d_wino6_output.glsl"
