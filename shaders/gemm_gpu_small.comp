#version 460
// gemm_gpu_small: gemm on the "gpu-small" variant's shared-memory tile: GPU_SMALL_ROWS ×
// GPU_SMALL_COLS outputs per workgroup of 64 invocations, 8 × 8 each, k slices double-buffered.
// Dispatch: (ceil(M/GPU_SMALL_ROWS), ceil(N/GPU_SMALL_COLS), Z·splits). See gemm_gpu.glsl. CPU reference: gemmRef in layers/vk/gemm.go.
#include "contract.glsl"
#define BM GPU_SMALL_ROWS
#define BN GPU_SMALL_COLS
#include "gemm_gpu.glsl"
