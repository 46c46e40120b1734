package layers

// SGD is the paper's update rule (§5), in place and elementwise over w, v, g of equal length:
//
//	v = mu·v − wd·lr·w − lr·g
//	w = w + v
//
// From v = 0 the first step equals PyTorch's w − lr·(g + wd·w); later steps differ once lr changes.
func SGD[T Float](w, v, g []T, lr, mu, wd T) {
	mustLen("SGD", "v", len(v), len(w))
	mustLen("SGD", "g", len(g), len(w))
	for i := range w {
		v[i] = mu*v[i] - wd*lr*w[i] - lr*g[i]
		w[i] += v[i]
	}
}
