package vk

// CPU references of the Winograd kernels (conv2d_wino_*.comp for F(2×2,3×3), conv2d_wino5_*.comp for
// F(2×2,5×5), conv2d_wino43_*.comp for F(4×4,3×3)), in plain loops over the matrices the shaders
// unroll: g is G (α×r), bt is Bᵀ (α×α), at is Aᵀ (m×α), α = m + r − 1.
type winoMats struct {
	m, r      int // output tile and filter side
	g, bt, at [][]float32
	a, til    int // α and α²
}

func newWinoMats(g, bt, at [][]float32) winoMats {
	a := len(bt)
	return winoMats{m: len(at), r: len(g[0]), g: g, bt: bt, at: at, a: a, til: a * a}
}

var (
	// wino3 is F(2×2,3×3) (points 0, ±1, ∞).
	wino3 = newWinoMats([][]float32{{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}},
		[][]float32{{1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, 1, 0, -1}},
		[][]float32{{1, 1, 1, 0}, {0, 1, -1, -1}})
	// wino5 is F(2×2,5×5) (points 0, ±1, ±2, ∞), as shaders/conv2d_wino5.glsl.
	wino5 = newWinoMats([][]float32{{1. / 4, 0, 0, 0, 0}, {-1. / 6, -1. / 6, -1. / 6, -1. / 6, -1. / 6},
		{-1. / 6, 1. / 6, -1. / 6, 1. / 6, -1. / 6}, {1. / 24, 1. / 12, 1. / 6, 1. / 3, 2. / 3},
		{1. / 24, -1. / 12, 1. / 6, -1. / 3, 2. / 3}, {0, 0, 0, 0, 1}},
		[][]float32{{4, 0, -5, 0, 1, 0}, {0, -4, -4, 1, 1, 0}, {0, 4, -4, -1, 1, 0}, {0, -2, -1, 2, 1, 0},
			{0, 2, -1, -2, 1, 0}, {0, 4, 0, -5, 0, 1}},
		[][]float32{{1, 1, 1, 1, 1, 0}, {0, 1, -1, 2, -2, 1}})
	// wino43 is F(4×4,3×3) (the same points and Bᵀ as wino5), as shaders/conv2d_wino6.glsl.
	wino43 = newWinoMats([][]float32{{1. / 4, 0, 0}, {-1. / 6, -1. / 6, -1. / 6}, {-1. / 6, 1. / 6, -1. / 6},
		{1. / 24, 1. / 12, 1. / 6}, {1. / 24, -1. / 12, 1. / 6}, {0, 0, 1}}, wino5.bt,
		[][]float32{{1, 1, 1, 1, 1, 0}, {0, 1, -1, 2, -2, 0}, {0, 1, 1, 4, 4, 0}, {0, 1, -1, 8, -8, 1}})
)

// winoFilterRef is the CPU reference of conv2d_wino{,5,43}_filter: u[ξ][ν][z][a][b] = Σ_{r,s} G[ξ][r]·g[r][s]·G[ν][s]
// with g = w[z·M + a][b] (flip false) or g[r][s] = w[z·Kc + b][a][R−1−r][R−1−s] (flip true).
func winoFilterRef(wm winoMats, u, w []float32, g, m, kc int, flip bool) {
	total := g * m * kc
	R := wm.r
	for z := 0; z < g; z++ {
		for a := 0; a < m; a++ {
			for b := 0; b < kc; b++ {
				id := (z*m+a)*kc + b
				for xi := 0; xi < wm.a; xi++ {
					for nu := 0; nu < wm.a; nu++ {
						var v float32
						for r := 0; r < R; r++ {
							for s := 0; s < R; s++ {
								gv := w[id*R*R+r*R+s]
								if flip {
									gv = w[((z*kc+b)*m+a)*R*R+(R-1-r)*R+(R-1-s)]
								}
								v += wm.g[xi][r] * gv * wm.g[nu][s]
							}
						}
						u[(xi*wm.a+nu)*total+id] = v
					}
				}
			}
		}
	}
}

// winoInputRef is the CPU reference of conv2d_wino{,5,43}_input: v[ξ][ν][c][t] = Σ_{i,j} Bᵀ[ξ][i]·d[i][j]·Bᵀ[ν][j],
// d[i][j] = x[n, c, m·th − pad + i, m·tw − pad + j] (0 outside x), t = (n·TH + th)·TW + tw.
func winoInputRef(wm winoMats, v, x []float32, n, c, h, w, pad, th, tw int) {
	nt := n * th * tw
	total := c * nt
	for ci := 0; ci < c; ci++ {
		for t := 0; t < nt; t++ {
			ni, ti, tj := t/(th*tw), t/tw%th, t%tw
			for xi := 0; xi < wm.a; xi++ {
				for nu := 0; nu < wm.a; nu++ {
					var s float32
					for i := 0; i < wm.a; i++ {
						for j := 0; j < wm.a; j++ {
							hh, ww := wm.m*ti-pad+i, wm.m*tj-pad+j
							if hh >= 0 && hh < h && ww >= 0 && ww < w {
								s += wm.bt[xi][i] * x[((ni*c+ci)*h+hh)*w+ww] * wm.bt[nu][j]
							}
						}
					}
					v[(xi*wm.a+nu)*total+ci*nt+t] = s
				}
			}
		}
	}
}

// winoOutputRef is the CPU reference of conv2d_wino{,5,43}_output: y[n, k, m·th + i, m·tw + j] =
// Σ_{ξ,ν} Aᵀ[i][ξ]·mm[ξ][ν][k][t]·Aᵀ[j][ν] (+ bias[k] when bias is not nil, then max(·, 0) when
// relu), for the outputs inside OH×OW.
func winoOutputRef(wm winoMats, y, mm, bias []float32, n, k, oh, ow, th, tw int, relu bool) {
	nt := n * th * tw
	total := k * nt
	for ki := 0; ki < k; ki++ {
		for t := 0; t < nt; t++ {
			ni, ti, tj := t/(th*tw), t/tw%th, t%tw
			for i := 0; i < wm.m; i++ {
				for j := 0; j < wm.m; j++ {
					oy, ox := wm.m*ti+i, wm.m*tj+j
					if oy >= oh || ox >= ow {
						continue
					}
					var s float32
					for xi := 0; xi < wm.a; xi++ {
						for nu := 0; nu < wm.a; nu++ {
							s += wm.at[i][xi] * mm[(xi*wm.a+nu)*total+ki*nt+t] * wm.at[j][nu]
						}
					}
					if bias != nil {
						s += bias[ki]
					}
					if relu && s < 0 {
						s = 0
					}
					y[((ni*k+ki)*oh+oy)*ow+ox] = s
				}
			}
		}
	}
}

// winoDoutRef is the CPU reference of conv2d_wino{,5,43}_dout: e[ξ][ν][k][t] = Σ_{i,j} Aᵀ[i][ξ]·δ[i][j]·Aᵀ[j][ν],
// δ[i][j] = dy[n, k, m·th + i, m·tw + j] (0 outside OH×OW).
func winoDoutRef(wm winoMats, e, dy []float32, n, k, oh, ow, th, tw int) {
	nt := n * th * tw
	total := k * nt
	for ki := 0; ki < k; ki++ {
		for t := 0; t < nt; t++ {
			ni, ti, tj := t/(th*tw), t/tw%th, t%tw
			for xi := 0; xi < wm.a; xi++ {
				for nu := 0; nu < wm.a; nu++ {
					var s float32
					for i := 0; i < wm.m; i++ {
						for j := 0; j < wm.m; j++ {
							if oy, ox := wm.m*ti+i, wm.m*tj+j; oy < oh && ox < ow {
								s += wm.at[i][xi] * dy[((ni*k+ki)*oh+oy)*ow+ox] * wm.at[j][nu]
							}
						}
					}
					e[(xi*wm.a+nu)*total+ki*nt+t] = s
				}
			}
		}
	}
}

// winoDfilterRef is the CPU reference of conv2d_wino{,5,43}_dfilter: dw[q][r][s] += Σ_{ξ,ν} G[ξ][r]·du[ξ][ν][i]·G[ν][s]
// (accumulated) for q = k·cg + c, k = z·kg + kgi, with i = q, or (z·cg + c)·kg + kgi when trans.
func winoDfilterRef(wm winoMats, dw, du []float32, q, kg, cg int, trans bool) {
	R := wm.r
	for qi := 0; qi < q; qi++ {
		i := qi
		if trans {
			c, k := qi%cg, qi/cg
			i = (k/kg*cg+c)*kg + k%kg
		}
		for r := 0; r < R; r++ {
			for s := 0; s < R; s++ {
				var v float32
				for xi := 0; xi < wm.a; xi++ {
					for nu := 0; nu < wm.a; nu++ {
						v += wm.g[xi][r] * du[(xi*wm.a+nu)*q+i] * wm.g[nu][s]
					}
				}
				dw[(qi*R+r)*R+s] += v
			}
		}
	}
}
