#version 460
// conv2d_bwd_filter: conv2d backward-filter as an implicit gemm, TILE_ROWS output channels ×
// TILE_LANES·TN filter taps (c, r, s) per workgroup (TN = TILE_WIDE_COLS per lane);
// conv2d_bwd_filter_narrow has TN = 1 for at most TILE_LANES taps, conv2d_bwd_filter_mid TN =
// TILE_MID_COLS. See conv2d_bwd_filter.glsl.
#include "contract.glsl"
#define TN TILE_WIDE_COLS
#include "conv2d_bwd_filter.glsl"
