#version 460
// conv2d_wino5_output: Winograd F(2×2,5×5)'s output transform (bias, ReLU fused); see conv2d_wino6_output.glsl.
#include "conv2d_wino6_output.glsl"
