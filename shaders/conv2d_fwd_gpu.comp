#version 460
// conv2d_fwd_gpu: conv2d forward as an implicit gemm on the "gpu" variant's shared-memory
// tile: GPU_ROWS output channels × GPU_COLS positions per workgroup of 256 invocations.
// Dispatch: (ceil(KG/GPU_ROWS), ceil(N·OH·OW/GPU_COLS), G). See conv2d_fwd_gpu.glsl. CPU reference: layers.Conv2DForward.
#include "contract.glsl"
#define BM GPU_ROWS
#define BN GPU_COLS
#include "conv2d_fwd_gpu.glsl"
