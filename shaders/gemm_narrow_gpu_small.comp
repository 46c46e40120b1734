#version 460
// gemm_narrow_gpu_small: gemm_gpu_small with GPU_SMALL_NARROW_COLS columns per workgroup (32
// invocations), for products with at most GPU_SMALL_NARROW_COLS columns.
// Dispatch: (ceil(M/GPU_SMALL_ROWS), ceil(N/GPU_SMALL_NARROW_COLS), Z·splits). See gemm_gpu.glsl. CPU reference: gemmRef in layers/vk/gemm.go.
#include "contract.glsl"
#define BM GPU_SMALL_ROWS
#define BN GPU_SMALL_NARROW_COLS
#include "gemm_gpu.glsl"
