package layers

// The backward passes of a layer that follows a ReLU, with that ReLU's backward folded in: where the
// ReLU's output r is the layer's input, ∂L/∂(ReLU's input) = ∂L/∂r·[r > 0], so the layer can write
// the masked gradient itself and the network skips a pass over the ReLU's output.

// MaxPoolReLUBackward is MaxPoolBackward of a pool whose input x is a ReLU's output, followed by
// that ReLU's backward, from the pool's output y:
//
//	dx[n,c,i] = Σ_{outputs o of plane (n,c) with arg[o] == i and y[o] > 0} dy[o]
//
// (y[o] is x at its window's winner arg[o], so [y[o] > 0] is the ReLU's mask there; inputs that win
// no window get 0 either way). dx [N,C,H,W] is overwritten; dy, y and arg [N,C,OH,OW] as written by
// MaxPoolForward.
func MaxPoolReLUBackward[T Float](dx, dy, y []T, arg []int32, p MaxPool) {
	const fn = "MaxPoolReLUBackward"
	mustValid(fn, p.Validate())
	ohw := p.OutH() * p.OutW()
	mustLen(fn, "y", len(y), p.N*p.C*ohw)
	masked := make([]T, len(dy))
	for o := range dy {
		if y[o] > 0 {
			masked[o] = dy[o]
		}
	}
	MaxPoolBackward(dx, masked, arg, p)
}

// LRNReLUBackward is LRNBackward of an LRN whose input x is a ReLU's output, followed by that
// ReLU's backward:
//
//	dx_i = [x_i > 0]·(dy_i·scale_i^(−β) − 2·a·β·x_i · Σ_{j: |i−j|<=Size/2, 0<=j<C} dy_j·y_j/scale_j)
//
// dx [N,C,H,W] is overwritten; dy, x, y and scale [N,C,H,W] as written by LRNForward.
func LRNReLUBackward[T Float](dx, dy, x, y, scale []T, p LRN) {
	LRNBackward(dx, dy, x, y, scale, p)
	for i, v := range x {
		if !(v > 0) {
			dx[i] = 0
		}
	}
}
