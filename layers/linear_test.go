package layers

import "testing"

func TestLinearByHand(t *testing.T) {
	// x = [1 2], w = [[1 2] [3 4]], b = [10 20]: y = [10+1+4, 20+3+8].
	p := Linear{N: 1, In: 2, Out: 2}
	x, w, b := []float64{1, 2}, []float64{1, 2, 3, 4}, []float64{10, 20}
	y := nanVec(2)
	LinearForward(y, x, w, b, p)
	wantSlice(t, "y", y, []float64{15, 31}, 0)
	LinearForward(y, x, w, nil, p)
	wantSlice(t, "y without bias", y, []float64{5, 11}, 0)

	// dy = [1 1]: dx = dy·w = [1+3, 2+4]; dw += dyᵀ·x = [[1 2] [1 2]]; db += [1 1].
	dx := nanVec(2)
	LinearBackwardData(dx, []float64{1, 1}, w, p)
	wantSlice(t, "dx", dx, []float64{4, 6}, 0)
	dw, db := []float64{100, 100, 100, 100}, []float64{7, 8}
	LinearBackwardWeight(dw, db, []float64{1, 1}, x, p)
	wantSlice(t, "dw accumulated", dw, []float64{101, 102, 101, 102}, 0)
	wantSlice(t, "db accumulated", db, []float64{8, 9}, 0)
}

func TestLinearGradients(t *testing.T) {
	p := Linear{N: 3, In: 5, Out: 4}
	x, w, b, r := randVec(15, 1), randVec(20, 2), randVec(4, 3), randVec(12, 4)
	y := make([]float64, 12)
	loss := func() float64 { LinearForward(y, x, w, b, p); return dot(r, y) }
	dx := nanVec(15)
	LinearBackwardData(dx, r, w, p)
	gradCheck(t, "linear dx", x, dx, loss)
	dw, db := make([]float64, 20), make([]float64, 4)
	LinearBackwardWeight(dw, db, r, x, p)
	gradCheck(t, "linear dw", w, dw, loss)
	gradCheck(t, "linear db", b, db, loss)
}

// TestLinearIsOneByOneConv checks Linear against Conv2D on a 1×1 image: w [Out, In] is the
// same memory as w [K, C, 1, 1], so both layers must agree to the last bit in every pass.
func TestLinearIsOneByOneConv(t *testing.T) {
	p := Linear{N: 3, In: 6, Out: 5}
	c := Conv2D{N: 3, C: 6, H: 1, W: 1, K: 5, R: 1, S: 1, Stride: 1, Groups: 1}
	x, w, b, dy := randVec(18, 5), randVec(30, 6), randVec(5, 7), randVec(15, 8)
	y1, y2 := make([]float64, 15), make([]float64, 15)
	LinearForward(y1, x, w, b, p)
	Conv2DForward(y2, x, w, b, c)
	wantSlice(t, "y", y1, y2, 0)
	dx1, dx2 := make([]float64, 18), make([]float64, 18)
	LinearBackwardData(dx1, dy, w, p)
	Conv2DBackwardData(dx2, dy, w, c)
	wantSlice(t, "dx", dx1, dx2, 0)
	dw1, dw2, db1, db2 := make([]float64, 30), make([]float64, 30), make([]float64, 5), make([]float64, 5)
	LinearBackwardWeight(dw1, db1, dy, x, p)
	Conv2DBackwardFilter(dw2, db2, dy, x, c)
	wantSlice(t, "dw", dw1, dw2, 0)
	wantSlice(t, "db", db1, db2, 0)
}

func TestLinearPanics(t *testing.T) {
	p := Linear{N: 2, In: 3, Out: 4}
	x, w, b, y := make([]float64, 6), make([]float64, 12), make([]float64, 4), make([]float64, 8)
	mustPanic(t, "short w", "len(w)", func() { LinearForward(y, x, w[1:], b, p) })
	mustPanic(t, "short b", "len(b)", func() { LinearForward(y, x, w, b[1:], p) })
	mustPanic(t, "short dx", "len(dx)", func() { LinearBackwardData(x[1:], y, w, p) })
	mustPanic(t, "short dy", "len(dy)", func() { LinearBackwardWeight(w, b, y[1:], x, p) })
	mustPanic(t, "zero In", "In = 0", func() { LinearForward(y, nil, nil, b, Linear{N: 2, Out: 4}) })
}
