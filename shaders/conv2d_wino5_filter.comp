#version 460
// conv2d_wino5_filter: Winograd F(2×2,5×5)'s filter transform; see conv2d_wino6_filter.glsl.
#include "conv2d_wino6_filter.glsl"
