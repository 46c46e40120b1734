#version 460
// conv2d_bwd_filter_three: conv2d_bwd_filter with 24 output channels (three shares of
// TILE_SHARE_LANES rows: tile.glsl's TILE_THREE) × TILE_LANES·TILE_THREE_COLS filter taps per
// workgroup, for convolutions whose output channels per group pad to fewer rows in tiles of 24
// than of 16: as alexnet-small's conv2 (24 channels and 200 taps per group). See
// conv2d_bwd_filter.glsl.
#include "contract.glsl"
#define TN TILE_THREE_COLS
#define TILE_THREE
#include "conv2d_bwd_filter.glsl"
