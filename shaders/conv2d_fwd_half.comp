#version 460
// conv2d_fwd_half: conv2d_fwd with 8 output channels (TILE_SHARE_LANES rows: tile.glsl's
// TILE_HALF) × TILE_LANES·TILE_WIDE_COLS positions per workgroup, for convolutions of at most 8
// output channels per group, where the 16-row tile would waste half its multiply-adds: as the
// backward-data pass of alexnet-small's conv2 (8 input channels per group). See conv2d_fwd.glsl.
#include "contract.glsl"
#define TN TILE_WIDE_COLS
#define TILE_HALF
#include "conv2d_fwd.glsl"
