#version 460
// conv2d_fwd: conv2d forward as an implicit gemm, TILE_ROWS output channels × TILE_LANES·TN
// positions per workgroup (TN = TILE_WIDE_COLS per lane); conv2d_fwd_narrow has TN = 1 for at
// most TILE_LANES positions. See conv2d_fwd.glsl.
#include "contract.glsl"
#define TN TILE_WIDE_COLS
#include "conv2d_fwd.glsl"
