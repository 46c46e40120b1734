#version 460
// conv2d_fwd_three: conv2d_fwd with 24 output channels (three shares of TILE_SHARE_LANES rows:
// tile.glsl's TILE_THREE) × TILE_LANES·TILE_THREE_COLS positions per workgroup, for convolutions
// whose output channels per group pad to fewer rows in tiles of 24 than of 16: as alexnet-small's
// conv2 and conv5 (24 per group, 32 rows in 16-row tiles). TILE_THREE_COLS keeps the lane's
// accumulators (24 × TILE_THREE_COLS) below where a CPU driver spills. See conv2d_fwd.glsl.
#include "contract.glsl"
#define TN TILE_THREE_COLS
#define TILE_THREE
#include "conv2d_fwd.glsl"
