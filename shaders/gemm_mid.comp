#version 460
// gemm_mid: gemm with TILE_MID_COLS columns per lane (TILE_LANES·TILE_MID_COLS per workgroup),
// between gemm_narrow and gemm: linear forward's transposed product yᵀ = w·xᵀ, whose columns are
// the batch (layers/vk/linear.go). See gemm.comp. CPU reference: gemmRef in layers/vk/gemm.go.
#include "contract.glsl"
#define TN TILE_MID_COLS
#include "gemm.glsl"
