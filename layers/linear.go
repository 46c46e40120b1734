package layers

// Linear is a fully connected layer: x [N, In], w [Out, In] (PyTorch's layout), b [Out], y [N, Out].
type Linear struct{ N, In, Out int }

// Validate reports the first size that is not positive.
func (p Linear) Validate() error {
	return positive("linear", []string{"N", "In", "Out"}, p.N, p.In, p.Out)
}

// FLOPs is the forward cost, 2·N·In·Out (a multiply-add counts as 2).
func (p Linear) FLOPs() int64 { return 2 * int64(p.N) * int64(p.In) * int64(p.Out) }

// checkLinear validates p and the lengths of the x-, w- and y-shaped arguments of fn.
func checkLinear(fn string, p Linear, xName string, x int, wName string, w int, yName string, y int) {
	mustValid(fn, p.Validate())
	mustLen(fn, xName, x, p.N*p.In)
	mustLen(fn, wName, w, p.Out*p.In)
	mustLen(fn, yName, y, p.N*p.Out)
}

// LinearForward computes y = x·wᵀ + b, that is y[n,o] = b[o] + Σ_i x[n,i]·w[o,i].
// y [N,Out] is overwritten; x [N,In]; w [Out,In]; b [Out] or nil for no bias.
func LinearForward[T Float](y, x, w, b []T, p Linear) {
	checkLinear("LinearForward", p, "x", len(x), "w", len(w), "y", len(y))
	if b != nil {
		mustLen("LinearForward", "b", len(b), p.Out)
	}
	for n := 0; n < p.N; n++ {
		for o := 0; o < p.Out; o++ {
			var acc T
			if b != nil {
				acc = b[o]
			}
			for i := 0; i < p.In; i++ {
				acc += x[n*p.In+i] * w[o*p.In+i]
			}
			y[n*p.Out+o] = acc
		}
	}
}

// LinearBackwardData differentiates y[n,o] += x[n,i]·w[o,i] with respect to x: dx = dy·w,
// dx[n,i] = Σ_o dy[n,o]·w[o,i]. dx [N,In] is overwritten; dy [N,Out]; w [Out,In].
func LinearBackwardData[T Float](dx, dy, w []T, p Linear) {
	checkLinear("LinearBackwardData", p, "dx", len(dx), "w", len(w), "dy", len(dy))
	for n := 0; n < p.N; n++ {
		for i := 0; i < p.In; i++ {
			var acc T
			for o := 0; o < p.Out; o++ {
				acc += dy[n*p.Out+o] * w[o*p.In+i]
			}
			dx[n*p.In+i] = acc
		}
	}
}

// LinearBackwardWeight differentiates y[n,o] = b[o] + Σ_i x[n,i]·w[o,i] with respect to w and b:
//
//	dw[o,i] += Σ_n dy[n,o]·x[n,i]   (dw += dyᵀ·x)
//	db[o]   += Σ_n dy[n,o]
//
// dw [Out,In] and db [Out] are accumulated (+=); db may be nil; dy [N,Out]; x [N,In].
func LinearBackwardWeight[T Float](dw, db, dy, x []T, p Linear) {
	checkLinear("LinearBackwardWeight", p, "x", len(x), "dw", len(dw), "dy", len(dy))
	if db != nil {
		mustLen("LinearBackwardWeight", "db", len(db), p.Out)
	}
	for o := 0; o < p.Out; o++ {
		for i := 0; i < p.In; i++ {
			var acc T
			for n := 0; n < p.N; n++ {
				acc += dy[n*p.Out+o] * x[n*p.In+i]
			}
			dw[o*p.In+i] += acc
		}
		if db != nil {
			var acc T
			for n := 0; n < p.N; n++ {
				acc += dy[n*p.Out+o]
			}
			db[o] += acc
		}
	}
}
