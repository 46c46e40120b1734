package data

import (
	"math"
	"sort"
)

// symEigen returns the eigenvalues (descending) and unit eigenvectors of the symmetric n×n matrix a
// (row-major; not modified) by cyclic Jacobi rotations: vecs[k*n+j] is component k of vector j, so
// a·v_j = vals[j]·v_j. n is tiny here (the 3×3 RGB covariance), so the simplest exact method fits.
func symEigen(a []float64, n int) (vals, vecs []float64) {
	m := append([]float64(nil), a...)
	v := make([]float64, n*n)
	for i := 0; i < n; i++ {
		v[i*n+i] = 1
	}
	for sweep := 0; sweep < 100; sweep++ {
		off := 0.0
		for p := 0; p < n; p++ {
			for q := p + 1; q < n; q++ {
				off += m[p*n+q] * m[p*n+q]
			}
		}
		if off < 1e-30 {
			break
		}
		for p := 0; p < n; p++ {
			for q := p + 1; q < n; q++ {
				if m[p*n+q] == 0 {
					continue
				}
				// Rotation angle that zeroes m[p][q]: tan 2θ = 2·m_pq / (m_qq − m_pp).
				theta := (m[q*n+q] - m[p*n+p]) / (2 * m[p*n+q])
				t := math.Copysign(1, theta) / (math.Abs(theta) + math.Sqrt(theta*theta+1))
				c := 1 / math.Sqrt(t*t+1)
				s := t * c
				for k := 0; k < n; k++ { // m ← m·J
					mkp, mkq := m[k*n+p], m[k*n+q]
					m[k*n+p], m[k*n+q] = c*mkp-s*mkq, s*mkp+c*mkq
				}
				for k := 0; k < n; k++ { // m ← Jᵀ·m
					mpk, mqk := m[p*n+k], m[q*n+k]
					m[p*n+k], m[q*n+k] = c*mpk-s*mqk, s*mpk+c*mqk
				}
				for k := 0; k < n; k++ { // v ← v·J
					vkp, vkq := v[k*n+p], v[k*n+q]
					v[k*n+p], v[k*n+q] = c*vkp-s*vkq, s*vkp+c*vkq
				}
			}
		}
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return m[order[i]*n+order[i]] > m[order[j]*n+order[j]] })
	vals = make([]float64, n)
	vecs = make([]float64, n*n)
	for j, o := range order {
		vals[j] = m[o*n+o]
		for k := 0; k < n; k++ {
			vecs[k*n+j] = v[k*n+o]
		}
	}
	return vals, vecs
}
