#version 460
// conv2d_fwd_portable: conv2d_fwd with the filter rows shared through workgroup memory instead of
// subgroupBroadcast (TN = TILE_WIDE_COLS), no subgroup operations. See conv2d_fwd_portable.glsl.
// CPU reference: layers.Conv2DForward.
#include "contract.glsl"
#define TN TILE_WIDE_COLS
#include "conv2d_fwd_portable.glsl"
