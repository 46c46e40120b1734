// Package gpu is the only package that touches Vulkan: devices, buffers, kernels and sequences.
package gpu

import (
	_ "github.com/go-gl/glfw/v3.3/glfw" // window for the viewer
	_ "github.com/goki/vgpu/vgpu"
	_ "github.com/goki/vulkan"
)
