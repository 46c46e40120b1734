// Package layers is the CPU reference of every AlexNet layer: plain loops in the order of the
// formula in each doc comment. It is the specification the GLSL shaders are tested against.
//
// Tensors are flat slices in NCHW, row-major order. Every function is generic over Float so the
// same code runs in float32 (to compare with the GPU) and float64 (finite-difference checks).
// Gradients are prefixed d; dx is overwritten, dw and db are accumulated, as each doc says.
// A wrong slice length or an invalid geometry is a programmer error and panics with "layers: ...".
package layers

import "fmt"

// Float is the element type of the reference layers.
type Float interface{ ~float32 | ~float64 }

// mustLen panics when argument name of function fn does not hold exactly want elements.
func mustLen(fn, name string, got, want int) {
	if got != want {
		panic(fmt.Sprintf("layers: %s: len(%s) = %d, want %d", fn, name, got, want))
	}
}

// mustValid panics when a geometry's Validate failed; a bad geometry is a programmer error here.
func mustValid(fn string, err error) {
	if err != nil {
		panic(fmt.Sprintf("layers: %s: %v", fn, err))
	}
}

// positive returns an error naming the first of the (name, value) pairs that is not > 0.
func positive(kind string, names []string, vals ...int) error {
	for i, v := range vals {
		if v <= 0 {
			return fmt.Errorf("%s: %s = %d, want > 0", kind, names[i], v)
		}
	}
	return nil
}
