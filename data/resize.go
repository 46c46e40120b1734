package data

// Bilinear resizing for the loader's Resize option (e.g. Fashion-MNIST's 28×28 upscaled to 224 as in
// d2l's AlexNet). The sample grid is pixel-centre aligned, as torchvision's bilinear resize with
// align_corners=False: output pixel x samples input coordinate (x+0.5)·sw/dw − 0.5, clamped to the
// edge. Downscaling ImageFolder images uses x/image/draw's anti-aliased BiLinear kernel instead (see
// decodeSquare), whose support widens with the scale factor; here the loader mostly upscales small
// images, where the plain two-tap bilinear is the convention.

// bilinearTaps returns, for each of dn output positions, the two input indices and the weight of the
// second, for an input of sn positions.
func bilinearTaps(sn, dn int) (i0, i1 []int, f []float32) {
	i0, i1, f = make([]int, dn), make([]int, dn), make([]float32, dn)
	scale := float64(sn) / float64(dn)
	for d := 0; d < dn; d++ {
		s := (float64(d)+0.5)*scale - 0.5
		s = max(0, min(s, float64(sn-1)))
		lo := int(s)
		hi := min(lo+1, sn-1)
		i0[d], i1[d], f[d] = lo, hi, float32(s-float64(lo))
	}
	return i0, i1, f
}

// resizeBilinearHWC resizes an h×w×c uint8 HWC image into dst (dh×dw×c), rounding to nearest.
func resizeBilinearHWC(dst []byte, dh, dw int, src []byte, h, w, c int) {
	y0, y1, fy := bilinearTaps(h, dh)
	x0, x1, fx := bilinearTaps(w, dw)
	for y := 0; y < dh; y++ {
		r0, r1, wy := y0[y]*w, y1[y]*w, fy[y]
		for x := 0; x < dw; x++ {
			wx := fx[x]
			for k := 0; k < c; k++ {
				a := float32(src[(r0+x0[x])*c+k])*(1-wx) + float32(src[(r0+x1[x])*c+k])*wx
				b := float32(src[(r1+x0[x])*c+k])*(1-wx) + float32(src[(r1+x1[x])*c+k])*wx
				dst[(y*dw+x)*c+k] = uint8(a*(1-wy) + b*wy + 0.5)
			}
		}
	}
}

// resizeBilinearCHW resizes c float32 planes of h×w into dst (c×dh×dw) with the same sampling.
func resizeBilinearCHW(dst []float32, dh, dw int, src []float32, c, h, w int) {
	y0, y1, fy := bilinearTaps(h, dh)
	x0, x1, fx := bilinearTaps(w, dw)
	for k := 0; k < c; k++ {
		sp, dp := src[k*h*w:(k+1)*h*w], dst[k*dh*dw:(k+1)*dh*dw]
		for y := 0; y < dh; y++ {
			r0, r1, wy := y0[y]*w, y1[y]*w, fy[y]
			for x := 0; x < dw; x++ {
				wx := fx[x]
				a := sp[r0+x0[x]]*(1-wx) + sp[r0+x1[x]]*wx
				b := sp[r1+x0[x]]*(1-wx) + sp[r1+x1[x]]*wx
				dp[y*dw+x] = a*(1-wy) + b*wy
			}
		}
	}
}
