#version 460
// conv2d_fwd_gpu_small: conv2d forward as an implicit gemm on the "gpu-small" variant's
// shared-memory tile: GPU_SMALL_ROWS channels × GPU_SMALL_COLS positions per workgroup of 64 invocations.
// Dispatch: (ceil(KG/GPU_SMALL_ROWS), ceil(N·OH·OW/GPU_SMALL_COLS), G). See conv2d_fwd_gpu.glsl. CPU reference: layers.Conv2DForward.
#include "contract.glsl"
#define BM GPU_SMALL_ROWS
#define BN GPU_SMALL_COLS
#include "conv2d_fwd_gpu.glsl"
