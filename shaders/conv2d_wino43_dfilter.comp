#version 460
// conv2d_wino43_dfilter: Winograd F(4×4,3×3)'s backward-filter's adjoint filter transform; see conv2d_wino6_dfilter.glsl.
#define WINO43
#include "conv2d_wino6_dfilter.glsl"
