package layers

import "fmt"

// Conv2D is the geometry of a grouped 2-D convolution (cross-correlation, as PyTorch).
//
// Shapes: x [N, C, H, W], w [K, C/Groups, R, S], b [K], y [N, K, OutH, OutW].
// Output channel k belongs to group g = k / (K/Groups) and sees input channels
// [g0, g0 + C/Groups) with g0 = g·C/Groups.
type Conv2D struct{ N, C, H, W, K, R, S, Stride, Pad, Groups int }

// OutH is the output height, (H+2·Pad−R)/Stride+1.
func (p Conv2D) OutH() int { return (p.H+2*p.Pad-p.R)/p.Stride + 1 }

// OutW is the output width, (W+2·Pad−S)/Stride+1.
func (p Conv2D) OutW() int { return (p.W+2*p.Pad-p.S)/p.Stride + 1 }

// Validate reports the first invalid field: sizes must be positive, Pad non-negative,
// C and K divisible by Groups, and the padded input at least as large as the kernel.
func (p Conv2D) Validate() error {
	if err := positive("conv2d", []string{"N", "C", "H", "W", "K", "R", "S", "Stride", "Groups"},
		p.N, p.C, p.H, p.W, p.K, p.R, p.S, p.Stride, p.Groups); err != nil {
		return err
	}
	switch {
	case p.Pad < 0:
		return fmt.Errorf("conv2d: Pad = %d, want >= 0", p.Pad)
	case p.C%p.Groups != 0:
		return fmt.Errorf("conv2d: C = %d is not divisible by Groups = %d", p.C, p.Groups)
	case p.K%p.Groups != 0:
		return fmt.Errorf("conv2d: K = %d is not divisible by Groups = %d", p.K, p.Groups)
	case p.H+2*p.Pad < p.R:
		return fmt.Errorf("conv2d: R = %d exceeds padded height H+2·Pad = %d", p.R, p.H+2*p.Pad)
	case p.W+2*p.Pad < p.S:
		return fmt.Errorf("conv2d: S = %d exceeds padded width W+2·Pad = %d", p.S, p.W+2*p.Pad)
	}
	return nil
}

// FLOPs is the forward cost, 2·N·K·OutH·OutW·(C/Groups)·R·S (a multiply-add counts as 2).
func (p Conv2D) FLOPs() int64 {
	return 2 * int64(p.N) * int64(p.K) * int64(p.OutH()) * int64(p.OutW()) *
		int64(p.C/p.Groups) * int64(p.R) * int64(p.S)
}

// checkConv validates p and the lengths of the x-, w- and y-shaped arguments of fn.
func checkConv(fn string, p Conv2D, xName string, x int, wName string, w int, yName string, y int) {
	mustValid(fn, p.Validate())
	mustLen(fn, xName, x, p.N*p.C*p.H*p.W)
	mustLen(fn, wName, w, p.K*(p.C/p.Groups)*p.R*p.S)
	mustLen(fn, yName, y, p.N*p.K*p.OutH()*p.OutW())
}

// Conv2DForward computes, with zeros outside the input and b == nil meaning no bias,
//
//	y[n,k,oh,ow] = b[k] + Σ_{c<C/Groups, r<R, s<S} x[n, g0+c, oh·Stride−Pad+r, ow·Stride−Pad+s] · w[k, c, r, s]
//
// y [N,K,OH,OW] is overwritten; x [N,C,H,W]; w [K,C/Groups,R,S]; b [K] or nil.
func Conv2DForward[T Float](y, x, w, b []T, p Conv2D) {
	checkConv("Conv2DForward", p, "x", len(x), "w", len(w), "y", len(y))
	if b != nil {
		mustLen("Conv2DForward", "b", len(b), p.K)
	}
	oH, oW, cg, kg := p.OutH(), p.OutW(), p.C/p.Groups, p.K/p.Groups
	for n := 0; n < p.N; n++ {
		for k := 0; k < p.K; k++ {
			g0 := (k / kg) * cg
			for oh := 0; oh < oH; oh++ {
				for ow := 0; ow < oW; ow++ {
					var acc T
					if b != nil {
						acc = b[k]
					}
					for c := 0; c < cg; c++ {
						for r := 0; r < p.R; r++ {
							h := oh*p.Stride - p.Pad + r
							if h < 0 || h >= p.H {
								continue
							}
							for s := 0; s < p.S; s++ {
								wi := ow*p.Stride - p.Pad + s
								if wi < 0 || wi >= p.W {
									continue
								}
								acc += x[((n*p.C+g0+c)*p.H+h)*p.W+wi] * w[((k*cg+c)*p.R+r)*p.S+s]
							}
						}
					}
					y[((n*p.K+k)*oH+oh)*oW+ow] = acc
				}
			}
		}
	}
}

// Conv2DBackwardData differentiates the forward line
// y[n,k,oh,ow] += x[n, g0+c, oh·Stride−Pad+r, ow·Stride−Pad+s]·w[k,c,r,s] with respect to x:
//
//	dx[n,c,h,w] = Σ_{k in group(c), r, s, oh, ow : oh·Stride−Pad+r == h, ow·Stride−Pad+s == w} dy[n,k,oh,ow] · w[k, c−g0, r, s]
//
// It gathers per dx element (no scatter), as a shader without float atomics must.
// dx [N,C,H,W] is overwritten; dy [N,K,OH,OW]; w [K,C/Groups,R,S].
func Conv2DBackwardData[T Float](dx, dy, w []T, p Conv2D) {
	checkConv("Conv2DBackwardData", p, "dx", len(dx), "w", len(w), "dy", len(dy))
	oH, oW, cg, kg := p.OutH(), p.OutW(), p.C/p.Groups, p.K/p.Groups
	for n := 0; n < p.N; n++ {
		for c := 0; c < p.C; c++ {
			g := c / cg
			cl := c - g*cg // channel index inside the group, the second index of w
			for h := 0; h < p.H; h++ {
				for wi := 0; wi < p.W; wi++ {
					var acc T
					for k := g * kg; k < (g+1)*kg; k++ {
						for r := 0; r < p.R; r++ {
							th := h + p.Pad - r // = oh·Stride when (h, r) meet an output row
							if th < 0 || th%p.Stride != 0 || th/p.Stride >= oH {
								continue
							}
							oh := th / p.Stride
							for s := 0; s < p.S; s++ {
								tw := wi + p.Pad - s
								if tw < 0 || tw%p.Stride != 0 || tw/p.Stride >= oW {
									continue
								}
								ow := tw / p.Stride
								acc += dy[((n*p.K+k)*oH+oh)*oW+ow] * w[((k*cg+cl)*p.R+r)*p.S+s]
							}
						}
					}
					dx[((n*p.C+c)*p.H+h)*p.W+wi] = acc
				}
			}
		}
	}
}

// Conv2DBackwardFilter differentiates the same forward line with respect to w and b:
//
//	dw[k,c,r,s] += Σ_{n,oh,ow} dy[n,k,oh,ow] · x[n, g0+c, oh·Stride−Pad+r, ow·Stride−Pad+s]
//	db[k]       += Σ_{n,oh,ow} dy[n,k,oh,ow]
//
// dw [K,C/Groups,R,S] and db [K] are accumulated (+=); db may be nil; dy [N,K,OH,OW]; x [N,C,H,W].
func Conv2DBackwardFilter[T Float](dw, db, dy, x []T, p Conv2D) {
	checkConv("Conv2DBackwardFilter", p, "x", len(x), "dw", len(dw), "dy", len(dy))
	if db != nil {
		mustLen("Conv2DBackwardFilter", "db", len(db), p.K)
	}
	oH, oW, cg, kg := p.OutH(), p.OutW(), p.C/p.Groups, p.K/p.Groups
	for k := 0; k < p.K; k++ {
		g0 := (k / kg) * cg
		for c := 0; c < cg; c++ {
			for r := 0; r < p.R; r++ {
				for s := 0; s < p.S; s++ {
					var acc T
					for n := 0; n < p.N; n++ {
						for oh := 0; oh < oH; oh++ {
							h := oh*p.Stride - p.Pad + r
							if h < 0 || h >= p.H {
								continue
							}
							for ow := 0; ow < oW; ow++ {
								wi := ow*p.Stride - p.Pad + s
								if wi < 0 || wi >= p.W {
									continue
								}
								acc += dy[((n*p.K+k)*oH+oh)*oW+ow] * x[((n*p.C+g0+c)*p.H+h)*p.W+wi]
							}
						}
					}
					dw[((k*cg+c)*p.R+r)*p.S+s] += acc
				}
			}
		}
		if db != nil {
			var acc T
			for n := 0; n < p.N; n++ {
				for o := 0; o < oH*oW; o++ {
					acc += dy[(n*p.K+k)*oH*oW+o]
				}
			}
			db[k] += acc
		}
	}
}
