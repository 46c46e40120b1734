// Package gpu is the compute side of Vulkan: devices, buffers, kernels and sequences, driven through a
// small C core that opens the Vulkan loader itself. It links no window system (no GLFW, no X11), so
// the headless commands start on a bare GPU server; the viewer's window lives in package gpu/window.
package gpu
