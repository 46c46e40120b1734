#version 460
// gemm_narrow_portable: gemm_portable with one column per lane, for products with at most
// TILE_LANES columns. See gemm_portable.glsl. CPU reference: gemmRef in layers/vk/gemm.go.
#include "contract.glsl"
#define TN 1
#include "gemm_portable.glsl"
