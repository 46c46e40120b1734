// common.glsl: buffer-reference types and the folded-grid index shared by every kernel.
// Kernels take buffers as 64-bit device addresses in push constants (no descriptor sets), so a tensor
// may be as large as the device's maxBufferSize; readonly/writeonly mark each argument's use.
#extension GL_EXT_buffer_reference : require
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : enable
#include "contract.glsl"

layout(buffer_reference, std430, buffer_reference_align = 4) readonly buffer F32In { float v[]; };
layout(buffer_reference, std430, buffer_reference_align = 4) writeonly buffer F32Out { float v[]; };
layout(buffer_reference, std430, buffer_reference_align = 4) buffer F32 { float v[]; };
layout(buffer_reference, std430, buffer_reference_align = 4) readonly buffer I32In { int v[]; };
layout(buffer_reference, std430, buffer_reference_align = 4) writeonly buffer I32Out { int v[]; };
layout(buffer_reference, std430, buffer_reference_align = 4) buffer I32 { int v[]; };
layout(buffer_reference, std430, buffer_reference_align = 16) readonly buffer V4In { vec4 v[]; };
layout(buffer_reference, std430, buffer_reference_align = 16) writeonly buffer V4Out { vec4 v[]; };
layout(buffer_reference, std430, buffer_reference_align = 16) buffer V4 { vec4 v[]; };

// group_id is the linear workgroup index of a grid folded into X and Y by gpu.Device.Fold.
uint group_id() { return gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x; }
