package layers

import "fmt"

// MaxPool is the geometry of max pooling of x [N, C, H, W] with a Size×Size window, Stride and
// Pad; padding never wins: only in-range elements are candidates. y and arg are [N, C, OutH, OutW].
type MaxPool struct{ N, C, H, W, Size, Stride, Pad int }

// OutH is the output height, (H+2·Pad−Size)/Stride+1 (floor, as PyTorch's ceil_mode=False).
func (p MaxPool) OutH() int { return (p.H+2*p.Pad-p.Size)/p.Stride + 1 }

// OutW is the output width, (W+2·Pad−Size)/Stride+1.
func (p MaxPool) OutW() int { return (p.W+2*p.Pad-p.Size)/p.Stride + 1 }

// Validate reports the first invalid field: positive sizes, 0 <= Pad <= Size/2 (as PyTorch, which
// guarantees every window holds an in-range element) and a padded input at least one window wide.
func (p MaxPool) Validate() error {
	if err := positive("maxpool", []string{"N", "C", "H", "W", "Size", "Stride"},
		p.N, p.C, p.H, p.W, p.Size, p.Stride); err != nil {
		return err
	}
	switch {
	case p.Pad < 0 || p.Pad > p.Size/2:
		return fmt.Errorf("maxpool: Pad = %d, want 0..Size/2 = %d", p.Pad, p.Size/2)
	case p.H+2*p.Pad < p.Size:
		return fmt.Errorf("maxpool: Size = %d exceeds padded height H+2·Pad = %d", p.Size, p.H+2*p.Pad)
	case p.W+2*p.Pad < p.Size:
		return fmt.Errorf("maxpool: Size = %d exceeds padded width W+2·Pad = %d", p.Size, p.W+2*p.Pad)
	}
	return nil
}

// MaxPoolForward computes, over the in-range elements of each window,
//
//	y[n,c,oh,ow]   = max_{h,w in window} x[n,c,h,w]
//	arg[n,c,oh,ow] = h·W+w of that max within the (n,c) plane
//
// scanning rows then columns and replacing only on strictly greater, so ties pick the first
// (smallest h, then w). y and arg [N,C,OH,OW] are overwritten; x [N,C,H,W].
func MaxPoolForward[T Float](y []T, arg []int32, x []T, p MaxPool) {
	const fn = "MaxPoolForward"
	mustValid(fn, p.Validate())
	oH, oW := p.OutH(), p.OutW()
	mustLen(fn, "x", len(x), p.N*p.C*p.H*p.W)
	mustLen(fn, "y", len(y), p.N*p.C*oH*oW)
	mustLen(fn, "arg", len(arg), p.N*p.C*oH*oW)
	for nc := 0; nc < p.N*p.C; nc++ {
		plane := x[nc*p.H*p.W : (nc+1)*p.H*p.W]
		for oh := 0; oh < oH; oh++ {
			h0 := oh*p.Stride - p.Pad
			for ow := 0; ow < oW; ow++ {
				w0 := ow*p.Stride - p.Pad
				best, at := T(0), -1
				for h := max(h0, 0); h < min(h0+p.Size, p.H); h++ {
					for w := max(w0, 0); w < min(w0+p.Size, p.W); w++ {
						if v := plane[h*p.W+w]; at < 0 || v > best {
							best, at = v, h*p.W+w
						}
					}
				}
				o := (nc*oH+oh)*oW + ow
				y[o], arg[o] = best, int32(at)
			}
		}
	}
}

// MaxPoolBackward routes each output gradient to the input that won its window:
//
//	dx[n,c,i] = Σ_{outputs o of plane (n,c) with arg[o] == i} dy[o]   (overlapping windows sum)
//
// dx [N,C,H,W] is overwritten; dy and arg [N,C,OH,OW] as written by MaxPoolForward.
func MaxPoolBackward[T Float](dx, dy []T, arg []int32, p MaxPool) {
	const fn = "MaxPoolBackward"
	mustValid(fn, p.Validate())
	hw, ohw := p.H*p.W, p.OutH()*p.OutW()
	mustLen(fn, "dx", len(dx), p.N*p.C*hw)
	mustLen(fn, "dy", len(dy), p.N*p.C*ohw)
	mustLen(fn, "arg", len(arg), p.N*p.C*ohw)
	clear(dx)
	for nc := 0; nc < p.N*p.C; nc++ {
		for o := nc * ohw; o < (nc+1)*ohw; o++ {
			i := int(arg[o])
			if i < 0 || i >= hw {
				panic(fmt.Sprintf("layers: %s: arg[%d] = %d, want 0..%d", fn, o, i, hw-1))
			}
			dx[nc*hw+i] += dy[o]
		}
	}
}
