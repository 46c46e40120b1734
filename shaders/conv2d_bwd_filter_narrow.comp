#version 460
// conv2d_bwd_filter_narrow: conv2d_bwd_filter with one filter tap per lane (TILE_LANES per
// workgroup), for filters of few taps. See conv2d_bwd_filter.glsl.
#include "contract.glsl"
#define TN 1
#include "conv2d_bwd_filter.glsl"
