#version 460
// conv2d_fwd_narrow_portable: conv2d_fwd_portable with one position per lane, for at most
// TILE_LANES output positions. See conv2d_fwd_portable.glsl. CPU reference: layers.Conv2DForward.
#include "contract.glsl"
#define TN 1
#include "conv2d_fwd_portable.glsl"
