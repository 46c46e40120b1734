package layers

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// fdStep is the central-difference step; with |loss| ~ 10 the rounding error is about
// 1e-16·10/1e-6 = 1e-9 and the truncation error about h² = 1e-12, both far below fdTol.
const (
	fdStep = 1e-6
	fdTol  = 1e-6
)

// randVec returns n float64 values uniform in [−1, 1) from a fixed seed.
func randVec(n int, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 1))
	v := make([]float64, n)
	for i := range v {
		v[i] = 2*r.Float64() - 1
	}
	return v
}

// nanVec returns n NaNs, to pre-fill outputs so an unwritten element fails the test.
func nanVec(n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = math.NaN()
	}
	return v
}

// dot is Σ a[i]·b[i], the scalar loss Σ r·y whose gradient with respect to y is r.
func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// gradCheck compares the analytic gradient ana of loss with respect to x against central
// differences, nudging x in place; |num−ana| <= fdTol·(1+|ana|) must hold everywhere.
func gradCheck(t *testing.T, name string, x, ana []float64, loss func() float64) {
	t.Helper()
	if len(x) != len(ana) {
		t.Fatalf("%s: len(x) = %d, len(grad) = %d", name, len(x), len(ana))
	}
	bad := 0
	for i := range x {
		v := x[i]
		x[i] = v + fdStep
		lp := loss()
		x[i] = v - fdStep
		lm := loss()
		x[i] = v
		num := (lp - lm) / (2 * fdStep)
		if !(math.Abs(num-ana[i]) <= fdTol*(1+math.Abs(ana[i]))) {
			if bad == 0 {
				t.Errorf("%s: grad[%d] = %.9g, finite difference %.9g", name, i, ana[i], num)
			}
			bad++
		}
	}
	if bad > 1 {
		t.Errorf("%s: %d of %d gradient elements differ", name, bad, len(x))
	}
}

// near reports whether got is within tol·(1+|want|) of want.
func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol*(1+math.Abs(want)) }

// wantSlice fails the test at the first element of got that is not near want.
func wantSlice(t *testing.T, name string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: len = %d, want %d", name, len(got), len(want))
	}
	for i := range want {
		if !near(got[i], want[i], tol) {
			t.Fatalf("%s[%d] = %.9g, want %.9g (all: got %v, want %v)", name, i, got[i], want[i], got, want)
		}
	}
}

// toF32 converts a float64 slice to float32, to run the float32 instantiation on the same data.
func toF32(v []float64) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}

// mustPanic fails unless f panics with a message starting "layers: " and containing want.
func mustPanic(t *testing.T, name, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		msg, ok := r.(string)
		if !ok || !strings.HasPrefix(msg, "layers: ") || !strings.Contains(msg, want) {
			t.Errorf("%s: panic %v, want a \"layers: \" message containing %q", name, r, want)
		}
	}()
	f()
}
