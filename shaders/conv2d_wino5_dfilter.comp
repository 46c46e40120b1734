#version 460
// conv2d_wino5_dfilter: Winograd F(2×2,5×5)'s backward-filter's adjoint filter transform; see conv2d_wino6_dfilter.glsl.
#include "conv2d_wino6_dfilter.glsl"
