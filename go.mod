module github.com/alexnet-vk/alexnet

go 1.26.8

require (
	github.com/go-gl/glfw/v3.3/glfw v0.0.0-20221017161538-93cebf72946b
	github.com/goki/vgpu v1.0.34
	github.com/goki/vulkan v1.0.7
	github.com/spf13/pflag v1.1.0
)

require (
	github.com/anthonynsimon/bild v0.13.0 // indirect
	github.com/goki/ki v1.1.11 // indirect
	github.com/goki/mat32 v1.0.14 // indirect
	github.com/mitchellh/colorstring v0.0.0-20190213212951-d06e56a500db // indirect
	github.com/nlpodyssey/gopickle v0.2.0 // indirect
	github.com/rivo/uniseg v0.4.7 // indirect
	github.com/schollz/progressbar/v3 v3.19.1 // indirect
	golang.org/x/image v0.5.0 // indirect
	golang.org/x/sys v0.46.0 // indirect
	golang.org/x/term v0.44.0 // indirect
)
