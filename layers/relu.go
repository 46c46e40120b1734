package layers

// ReLUForward computes y[i] = max(0, x[i]); y may alias x. y and x have the same length.
func ReLUForward[T Float](y, x []T) {
	mustLen("ReLUForward", "y", len(y), len(x))
	for i, v := range x {
		if v > 0 {
			y[i] = v
		} else {
			y[i] = 0
		}
	}
}

// ReLUBackward differentiates y = max(0, x) using the forward output y, so x need not be kept:
//
//	dx[i] = dy[i] if y[i] > 0 else 0
//
// dx is overwritten and may alias dy; dx, dy and y have the same length.
func ReLUBackward[T Float](dx, dy, y []T) {
	mustLen("ReLUBackward", "dx", len(dx), len(y))
	mustLen("ReLUBackward", "dy", len(dy), len(y))
	for i, v := range y {
		if v > 0 {
			dx[i] = dy[i]
		} else {
			dx[i] = 0
		}
	}
}
