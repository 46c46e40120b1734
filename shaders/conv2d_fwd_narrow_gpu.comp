#version 460
// conv2d_fwd_narrow_gpu: conv2d_fwd_gpu with GPU_NARROW_COLS positions per workgroup (64
// invocations), for at most GPU_NARROW_COLS output positions.
// Dispatch: (ceil(KG/GPU_ROWS), ceil(N·OH·OW/GPU_NARROW_COLS), G). See conv2d_fwd_gpu.glsl. CPU reference: layers.Conv2DForward.
#include "contract.glsl"
#define BM GPU_ROWS
#define BN GPU_NARROW_COLS
#include "conv2d_fwd_gpu.glsl"
