#version 460
// gemm_narrow: gemm with one column per lane (TILE_LANES per workgroup), for products with few
// columns (conv backward-filter of small layers, linear with tiny outputs). See gemm.comp.
#include "contract.glsl"
#define TN 1
#include "gemm.glsl"
