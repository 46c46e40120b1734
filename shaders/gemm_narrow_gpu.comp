#version 460
// gemm_narrow_gpu: gemm_gpu with GPU_NARROW_COLS columns per workgroup (64 invocations), for
// products with at most GPU_NARROW_COLS columns.
// Dispatch: (ceil(M/GPU_ROWS), ceil(N/GPU_NARROW_COLS), Z·splits). See gemm_gpu.glsl. CPU reference: gemmRef in layers/vk/gemm.go.
#include "contract.glsl"
#define BM GPU_ROWS
#define BN GPU_NARROW_COLS
#include "gemm_gpu.glsl"
