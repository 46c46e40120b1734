package layers

// AvgPool is adaptive average pooling of x [N, C, H, W] to y [N, C, OH, OW], as PyTorch's
// AdaptiveAvgPool2d: output row oh averages input rows [floor(oh·H/OH), ceil((oh+1)·H/OH)),
// and likewise for columns; neighbouring cells may overlap when H is not a multiple of OH.
type AvgPool struct{ N, C, H, W, OH, OW int }

// Validate reports the first size that is not positive.
func (p AvgPool) Validate() error {
	return positive("avgpool", []string{"N", "C", "H", "W", "OH", "OW"}, p.N, p.C, p.H, p.W, p.OH, p.OW)
}

// avgCell is the half-open input range [floor(o·in/out), ceil((o+1)·in/out)) of output o.
func avgCell(o, in, out int) (lo, hi int) {
	return o * in / out, ((o+1)*in + out - 1) / out
}

// checkAvg validates p and the lengths of the x- and y-shaped arguments of fn.
func checkAvg(fn string, p AvgPool, xName string, x int, yName string, y int) {
	mustValid(fn, p.Validate())
	mustLen(fn, xName, x, p.N*p.C*p.H*p.W)
	mustLen(fn, yName, y, p.N*p.C*p.OH*p.OW)
}

// AvgPoolForward computes y[n,c,oh,ow] = mean of x[n,c,h,w] over the cell of (oh, ow).
// y [N,C,OH,OW] is overwritten; x [N,C,H,W].
func AvgPoolForward[T Float](y, x []T, p AvgPool) {
	checkAvg("AvgPoolForward", p, "x", len(x), "y", len(y))
	for nc := 0; nc < p.N*p.C; nc++ {
		for oh := 0; oh < p.OH; oh++ {
			h0, h1 := avgCell(oh, p.H, p.OH)
			for ow := 0; ow < p.OW; ow++ {
				w0, w1 := avgCell(ow, p.W, p.OW)
				var sum T
				for h := h0; h < h1; h++ {
					for w := w0; w < w1; w++ {
						sum += x[(nc*p.H+h)*p.W+w]
					}
				}
				y[(nc*p.OH+oh)*p.OW+ow] = sum / T((h1-h0)*(w1-w0))
			}
		}
	}
}

// AvgPoolBackward spreads each cell's dy/count evenly over the cell (overlapping cells sum):
//
//	dx[n,c,h,w] = Σ_{(oh,ow) whose cell holds (h,w)} dy[n,c,oh,ow] / count(oh,ow)
//
// dx [N,C,H,W] is overwritten; dy [N,C,OH,OW].
func AvgPoolBackward[T Float](dx, dy []T, p AvgPool) {
	checkAvg("AvgPoolBackward", p, "dx", len(dx), "dy", len(dy))
	clear(dx)
	for nc := 0; nc < p.N*p.C; nc++ {
		for oh := 0; oh < p.OH; oh++ {
			h0, h1 := avgCell(oh, p.H, p.OH)
			for ow := 0; ow < p.OW; ow++ {
				w0, w1 := avgCell(ow, p.W, p.OW)
				g := dy[(nc*p.OH+oh)*p.OW+ow] / T((h1-h0)*(w1-w0))
				for h := h0; h < h1; h++ {
					for w := w0; w < w1; w++ {
						dx[(nc*p.H+h)*p.W+w] += g
					}
				}
			}
		}
	}
}
