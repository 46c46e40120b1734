package layers

import (
	"fmt"
	"math"
)

// Dropout is inverted dropout with drop probability P in [0, 1). The mask is a pure function of
// (Seed, Step, Offset+i), so forward, backward and the GLSL twin agree bit for bit without
// storing it. Offset shifts the index for a micro-batch that starts inside a larger tensor.
type Dropout struct {
	P                  float64
	Seed, Step, Offset uint32
}

// Validate reports a drop probability outside [0, 1) (P == 1 would divide by zero).
func (p Dropout) Validate() error {
	if !(p.P >= 0 && p.P < 1) {
		return fmt.Errorf("dropout: P = %g, want 0 <= P < 1", p.P)
	}
	return nil
}

// mix32 is a 32-bit integer finaliser (xorshift-multiply, two rounds); the GLSL twin must match.
func mix32(x uint32) uint32 {
	x ^= x >> 16
	x *= 0x7feb352d
	x ^= x >> 15
	x *= 0x846ca68b
	x ^= x >> 16
	return x
}

// DropoutHash is the counter-based random word of element i: mix32(mix32(mix32(seed)^step)^i).
func DropoutHash(seed, step, i uint32) uint32 {
	return mix32(mix32(mix32(seed)^step) ^ i)
}

// DropoutThreshold is the hash value below which an element is dropped:
// uint32(min(p·2³², 2³²−1)) computed in float64, and 0 for p == 0 so everything is kept.
func DropoutThreshold(p float64) uint32 {
	if p <= 0 {
		return 0
	}
	return uint32(math.Min(p*4294967296.0, 4294967295))
}

// Keep reports whether flat element i survives: DropoutHash(Seed, Step, Offset+i) >= DropoutThreshold(P).
func (p Dropout) Keep(i int) bool {
	return DropoutHash(p.Seed, p.Step, p.Offset+uint32(i)) >= DropoutThreshold(p.P)
}

// dropoutScale is 1/(1−P) rounded once to T (float32(1/(1−P)) in float32 code, as the shader).
func dropoutScale[T Float](p Dropout) T { return T(1 / (1 - p.P)) }

// DropoutForward computes y[i] = keep(i) ? x[i]·scale : 0 with scale = 1/(1−P).
// y is overwritten and may alias x; y and x have the same length.
func DropoutForward[T Float](y, x []T, p Dropout) {
	mustValid("DropoutForward", p.Validate())
	mustLen("DropoutForward", "y", len(y), len(x))
	th, scale := DropoutThreshold(p.P), dropoutScale[T](p)
	for i, v := range x {
		if DropoutHash(p.Seed, p.Step, p.Offset+uint32(i)) >= th {
			y[i] = v * scale
		} else {
			y[i] = 0
		}
	}
}

// DropoutBackward differentiates y[i] = keep(i)·x[i]·scale: dx[i] = keep(i) ? dy[i]·scale : 0,
// with the same mask as DropoutForward for the same p. dx is overwritten and may alias dy.
func DropoutBackward[T Float](dx, dy []T, p Dropout) {
	mustValid("DropoutBackward", p.Validate())
	mustLen("DropoutBackward", "dx", len(dx), len(dy))
	th, scale := DropoutThreshold(p.P), dropoutScale[T](p)
	for i, v := range dy {
		if DropoutHash(p.Seed, p.Step, p.Offset+uint32(i)) >= th {
			dx[i] = v * scale
		} else {
			dx[i] = 0
		}
	}
}
