#version 460
// gemm_gpu: gemm (gemm.comp's product) on the "gpu" variant's shared-memory tile: GPU_ROWS ×
// GPU_COLS outputs per workgroup of 256 invocations, 8 × 8 each, k slices double-buffered.
// Dispatch: (ceil(M/GPU_ROWS), ceil(N/GPU_COLS), Z·splits). See gemm_gpu.glsl. CPU reference: gemmRef in layers/vk/gemm.go.
#include "contract.glsl"
#define BM GPU_ROWS
#define BN GPU_COLS
#include "gemm_gpu.glsl"
