#version 460
// gemm_narrow: gemm with one column per lane (64 per workgroup), for products with few columns
// (conv backward-filter of small layers, linear with tiny outputs). See gemm.comp.
#define TN 1
#include "gemm.glsl"
