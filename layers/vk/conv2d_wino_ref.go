package vk

// CPU references of the Winograd F(2×2,3×3) kernels (conv2d_wino_*.comp), in plain loops over the
// matrices the shaders unroll: wG is G (4×3), wBT is Bᵀ (4×4), wAT is Aᵀ (2×4).
var (
	wG  = [4][3]float32{{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}}
	wBT = [4][4]float32{{1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, 1, 0, -1}}
	wAT = [2][4]float32{{1, 1, 1, 0}, {0, 1, -1, -1}}
)

// winoFilterRef is the CPU reference of conv2d_wino_filter: u[ξ][ν][z][a][b] = Σ_{r,s} G[ξ][r]·g[r][s]·G[ν][s]
// with g = w[z·M + a][b] (flip false) or g[r][s] = w[z·Kc + b][a][2−r][2−s] (flip true).
func winoFilterRef(u, w []float32, g, m, kc int, flip bool) {
	total := g * m * kc
	for z := 0; z < g; z++ {
		for a := 0; a < m; a++ {
			for b := 0; b < kc; b++ {
				id := (z*m+a)*kc + b
				for xi := 0; xi < 4; xi++ {
					for nu := 0; nu < 4; nu++ {
						var v float32
						for r := 0; r < 3; r++ {
							for s := 0; s < 3; s++ {
								gv := w[id*9+r*3+s]
								if flip {
									gv = w[((z*kc+b)*m+a)*9+(2-r)*3+(2-s)]
								}
								v += wG[xi][r] * gv * wG[nu][s]
							}
						}
						u[(xi*4+nu)*total+id] = v
					}
				}
			}
		}
	}
}

// winoInputRef is the CPU reference of conv2d_wino_input: v[ξ][ν][c][t] = Σ_{i,j} Bᵀ[ξ][i]·d[i][j]·Bᵀ[ν][j],
// d[i][j] = x[n, c, 2·th − pad + i, 2·tw − pad + j] (0 outside x), t = (n·TH + th)·TW + tw.
func winoInputRef(v, x []float32, n, c, h, w, pad, th, tw int) {
	nt := n * th * tw
	total := c * nt
	for ci := 0; ci < c; ci++ {
		for t := 0; t < nt; t++ {
			ni, ti, tj := t/(th*tw), t/tw%th, t%tw
			for xi := 0; xi < 4; xi++ {
				for nu := 0; nu < 4; nu++ {
					var s float32
					for i := 0; i < 4; i++ {
						for j := 0; j < 4; j++ {
							hh, ww := 2*ti-pad+i, 2*tj-pad+j
							if hh >= 0 && hh < h && ww >= 0 && ww < w {
								s += wBT[xi][i] * x[((ni*c+ci)*h+hh)*w+ww] * wBT[nu][j]
							}
						}
					}
					v[(xi*4+nu)*total+ci*nt+t] = s
				}
			}
		}
	}
}

// winoOutputRef is the CPU reference of conv2d_wino_output: y[n, k, 2·th + i, 2·tw + j] =
// Σ_{ξ,ν} Aᵀ[i][ξ]·mm[ξ][ν][k][t]·Aᵀ[j][ν] (+ bias[k] when bias is not nil, then max(·, 0) when
// relu), for the outputs inside OH×OW.
func winoOutputRef(y, mm, bias []float32, n, k, oh, ow, th, tw int, relu bool) {
	nt := n * th * tw
	total := k * nt
	for ki := 0; ki < k; ki++ {
		for t := 0; t < nt; t++ {
			ni, ti, tj := t/(th*tw), t/tw%th, t%tw
			for i := 0; i < 2; i++ {
				for j := 0; j < 2; j++ {
					oy, ox := 2*ti+i, 2*tj+j
					if oy >= oh || ox >= ow {
						continue
					}
					var s float32
					for xi := 0; xi < 4; xi++ {
						for nu := 0; nu < 4; nu++ {
							s += wAT[i][xi] * mm[(xi*4+nu)*total+ki*nt+t] * wAT[j][nu]
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

// winoDoutRef is the CPU reference of conv2d_wino_dout: e[ξ][ν][k][t] = Σ_{i,j} Aᵀ[i][ξ]·δ[i][j]·Aᵀ[j][ν],
// δ[i][j] = dy[n, k, 2·th + i, 2·tw + j] (0 outside OH×OW).
func winoDoutRef(e, dy []float32, n, k, oh, ow, th, tw int) {
	nt := n * th * tw
	total := k * nt
	for ki := 0; ki < k; ki++ {
		for t := 0; t < nt; t++ {
			ni, ti, tj := t/(th*tw), t/tw%th, t%tw
			for xi := 0; xi < 4; xi++ {
				for nu := 0; nu < 4; nu++ {
					var s float32
					for i := 0; i < 2; i++ {
						for j := 0; j < 2; j++ {
							if oy, ox := 2*ti+i, 2*tj+j; oy < oh && ox < ow {
								s += wAT[i][xi] * dy[((ni*k+ki)*oh+oy)*ow+ox] * wAT[j][nu]
							}
						}
					}
					e[(xi*4+nu)*total+ki*nt+t] = s
				}
			}
		}
	}
}

// winoDfilterRef is the CPU reference of conv2d_wino_dfilter: dw[q][r][s] += Σ_{ξ,ν} G[ξ][r]·du[ξ][ν][i]·G[ν][s]
// (accumulated) for q = k·cg + c, k = z·kg + kgi, with i = q, or (z·cg + c)·kg + kgi when trans.
func winoDfilterRef(dw, du []float32, q, kg, cg int, trans bool) {
	for qi := 0; qi < q; qi++ {
		i := qi
		if trans {
			c, k := qi%cg, qi/cg
			i = (k/kg*cg+c)*kg + k%kg
		}
		for r := 0; r < 3; r++ {
			for s := 0; s < 3; s++ {
				var v float32
				for xi := 0; xi < 4; xi++ {
					for nu := 0; nu < 4; nu++ {
						v += wG[xi][r] * du[(xi*4+nu)*q+i] * wG[nu][s]
					}
				}
				dw[(qi*3+r)*3+s] += v
			}
		}
	}
}
