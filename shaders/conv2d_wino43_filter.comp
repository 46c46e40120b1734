#version 460
// conv2d_wino43_filter: Winograd F(4×4,3×3)'s filter transform; see conv2d_wino6_filter.glsl.
#define WINO43
#include "conv2d_wino6_filter.glsl"
