#version 460
// conv2d_bwd_filter_mid: conv2d_bwd_filter with TN = TILE_MID_COLS filter taps per lane
// (TILE_LANES·TILE_MID_COLS per workgroup), between the narrow and the wide kernel: for filters
// whose taps per group (CG·R·S) leave most of the wide kernel's columns idle, as alexnet-small's
// conv2 (8·5·5 = 200 of 512). See conv2d_bwd_filter.glsl.
#include "contract.glsl"
#define TN TILE_MID_COLS
#include "conv2d_bwd_filter.glsl"
