#version 460
// gemm_mid_portable: gemm_portable with TILE_MID_COLS columns per lane, as gemm_mid is to gemm.
// See gemm_portable.glsl. CPU reference: gemmRef in layers/vk/gemm.go.
#include "contract.glsl"
#define TN TILE_MID_COLS
#include "gemm_portable.glsl"
