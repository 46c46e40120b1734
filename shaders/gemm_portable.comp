#version 460
// gemm_portable: gemm (gemm.comp's product and dispatch) with A's rows shared through workgroup
// memory instead of subgroupBroadcast: TILE_ROWS rows × TILE_LANES·TN columns per workgroup with
// TN = TILE_WIDE_COLS, no subgroup operations. See gemm_portable.glsl. CPU reference: gemmRef in
// layers/vk/gemm.go.
#include "contract.glsl"
#define TN TILE_WIDE_COLS
#include "gemm_portable.glsl"
