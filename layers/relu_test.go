package layers

import (
	"math"
	"testing"
)

func TestReLUByHand(t *testing.T) {
	x := []float64{-2, -0.0, 0, 0.5, 3}
	y := nanVec(len(x))
	ReLUForward(y, x)
	wantSlice(t, "y", y, []float64{0, 0, 0, 0.5, 3}, 0)

	// Backward keys on the output: y == 0 (also for x == 0) passes no gradient.
	dy := []float64{1, 2, 3, 4, 5}
	dx := nanVec(len(x))
	ReLUBackward(dx, dy, y)
	wantSlice(t, "dx", dx, []float64{0, 0, 0, 4, 5}, 0)

	// In place: y aliases x, dx aliases dy.
	ReLUForward(x, x)
	wantSlice(t, "y in place", x, y, 0)
	ReLUBackward(dy, dy, y)
	wantSlice(t, "dx in place", dy, dx, 0)
}

func TestReLUGradient(t *testing.T) {
	x, r := randVec(200, 1), randVec(200, 2)
	for i, v := range x { // keep every input at least 0.05 away from the kink at 0
		if math.Abs(v) < 0.05 {
			x[i] = math.Copysign(0.05, v) + v
		}
	}
	y := make([]float64, len(x))
	loss := func() float64 { ReLUForward(y, x); return dot(r, y) }
	loss()
	dx := nanVec(len(x))
	ReLUBackward(dx, r, y)
	gradCheck(t, "relu dx", x, dx, loss)
}

func TestReLUPanics(t *testing.T) {
	a, b := make([]float64, 3), make([]float64, 4)
	mustPanic(t, "forward", "len(y)", func() { ReLUForward(a, b) })
	mustPanic(t, "backward dx", "len(dx)", func() { ReLUBackward(b, a, a) })
	mustPanic(t, "backward dy", "len(dy)", func() { ReLUBackward(a, b, a) })
}
