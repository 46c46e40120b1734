// Package shaders embeds the compiled SPIR-V of every kernel (built from the .comp sources beside it
// by `make shaders`), so building the Go code never needs a shader compiler.
package shaders

import (
	"embed"
	"fmt"
)

//go:embed *.spv
var FS embed.FS

// SPIRV returns the compiled kernel name (without extension). A missing kernel is a build error of
// this repository, so it panics.
func SPIRV(name string) []byte {
	b, err := FS.ReadFile(name + ".spv")
	if err != nil {
		panic(fmt.Sprintf("shaders: no compiled kernel %q (run `make shaders`)", name))
	}
	return b
}
