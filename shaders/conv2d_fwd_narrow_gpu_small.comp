#version 460
// conv2d_fwd_narrow_gpu_small: conv2d_fwd_gpu_small with GPU_SMALL_NARROW_COLS positions per
// workgroup (32 invocations), for at most GPU_SMALL_NARROW_COLS output positions.
// Dispatch: (ceil(KG/GPU_SMALL_ROWS), ceil(N·OH·OW/GPU_SMALL_NARROW_COLS), G). See conv2d_fwd_gpu.glsl. CPU reference: layers.Conv2DForward.
#include "contract.glsl"
#define BM GPU_SMALL_ROWS
#define BN GPU_SMALL_NARROW_COLS
#include "conv2d_fwd_gpu.glsl"
