#version 460
// conv2d_fwd_narrow: conv2d_fwd with one position per lane (TILE_LANES per workgroup), for small
// outputs. See conv2d_fwd.glsl.
#include "contract.glsl"
#define TN 1
#include "conv2d_fwd.glsl"
