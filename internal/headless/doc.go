// Package headless holds the test that the headless commands (train, classify, evaluate, bench,
// prep, devices) and the test binaries of every package but the window's link no display library:
// no GLFW, no X11, no vgpu. A GPU server or container without X libraries must run them.
package headless
