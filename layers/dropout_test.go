package layers

import (
	"math"
	"math/bits"
	"testing"
)

// TestDropoutHashPinned pins a few hash words so the GLSL twin has fixed targets. They were
// produced by this implementation and agree with a separate Python transcription of the formula;
// on their own they only catch regressions, the statistical tests below check the hash is fit.
func TestDropoutHashPinned(t *testing.T) {
	for _, c := range []struct{ seed, step, i, want uint32 }{
		{0, 0, 0, 0x00000000}, // every round maps 0 to 0
		{1, 0, 0, 0x24009c6d},
		{0, 1, 0, 0x58f54975},
		{0, 0, 1, 0x688990c0},
		{42, 7, 12345, 0xe3f87e78},
		{0xdeadbeef, 1000, 0xffffffff, 0xebe95c12},
	} {
		if got := DropoutHash(c.seed, c.step, c.i); got != c.want {
			t.Errorf("DropoutHash(%d, %d, %d) = %#08x, want %#08x", c.seed, c.step, c.i, got, c.want)
		}
	}
}

// within4Sigma reports whether count successes of n Bernoulli(q) trials lie within 4 standard
// deviations of n·q (a false alarm about once in 16,000 runs for a fair hash; fixed seeds here).
func within4Sigma(count, n int, q float64) bool {
	return math.Abs(float64(count)-float64(n)*q) <= 4*math.Sqrt(float64(n)*q*(1-q))
}

func TestDropoutHashStatistics(t *testing.T) {
	const n = 100000
	var ones [32]int
	flips := 0 // output bits that change when the index changes by one (avalanche)
	for i := uint32(0); i < n; i++ {
		h := DropoutHash(3, 11, i)
		for b := range ones {
			ones[b] += int(h >> b & 1)
		}
		flips += bits.OnesCount32(h ^ DropoutHash(3, 11, i+1))
	}
	for b, c := range ones {
		if !within4Sigma(c, n, 0.5) {
			t.Errorf("bit %d set in %d of %d hashes, want about half", b, c, n)
		}
	}
	if !within4Sigma(flips, 32*n, 0.5) {
		t.Errorf("%d of %d output bits flip between neighbouring indices, want about half", flips, 32*n)
	}
}

func TestDropoutThreshold(t *testing.T) {
	for _, c := range []struct {
		p    float64
		want uint32
	}{
		{0, 0},
		{0.25, 1 << 30},
		{0.5, 1 << 31},
		{math.Nextafter(1, 0), math.MaxUint32}, // p·2³² rounds past 2³²−1: clamped
		{1e-12, 0},                             // 0.004 truncates to 0: keeps everything
	} {
		if got := DropoutThreshold(c.p); got != c.want {
			t.Errorf("DropoutThreshold(%g) = %d, want %d", c.p, got, c.want)
		}
	}
}

func TestDropoutKeepsOneMinusP(t *testing.T) {
	const n = 100000
	x := make([]float32, n)
	for i := range x {
		x[i] = 1
	}
	y := make([]float32, n)
	for _, p := range []Dropout{{P: 0.5, Seed: 1}, {P: 0.1, Seed: 2, Step: 5}, {P: 0.9, Seed: 3, Step: 1 << 20}} {
		DropoutForward(y, x, p)
		scale := float32(1 / (1 - p.P)) // float32 code uses the float32-rounded scale
		kept := 0
		for i, v := range y {
			switch v {
			case scale:
				kept++
				if !p.Keep(i) {
					t.Fatalf("P=%g: y[%d] kept but Keep(%d) is false", p.P, i, i)
				}
			case 0:
			default:
				t.Fatalf("P=%g: y[%d] = %g, want 0 or %g", p.P, i, v, scale)
			}
		}
		if !within4Sigma(kept, n, 1-p.P) {
			t.Errorf("P=%g: kept %d of %d, want about %g", p.P, kept, n, float64(n)*(1-p.P))
		}
	}
}

func TestDropoutMasks(t *testing.T) {
	const n = 20000
	x := randVec(n, 1)
	y := nanVec(n)
	DropoutForward(y, x, Dropout{P: 0})
	wantSlice(t, "P=0 identity", y, x, 0)

	// Different steps or seeds give unrelated masks: agreement ≈ p² + (1−p)² = 0.5 at p = 0.5.
	mask := func(p Dropout) []bool {
		m := make([]bool, n)
		for i := range m {
			m[i] = p.Keep(i)
		}
		return m
	}
	base := mask(Dropout{P: 0.5, Seed: 9, Step: 1})
	for _, other := range []Dropout{{P: 0.5, Seed: 9, Step: 2}, {P: 0.5, Seed: 10, Step: 1}, {P: 0.5, Seed: 9, Step: 1, Offset: 1}} {
		agree := 0
		for i, k := range mask(other) {
			if k == base[i] {
				agree++
			}
		}
		if !within4Sigma(agree, n, 0.5) {
			t.Errorf("%+v agrees with seed 9 step 1 on %d of %d elements, want about half", other, agree, n)
		}
	}

	// A micro-batch at Offset 1000 sees the same mask as elements 1000.. of the whole tensor.
	p := Dropout{P: 0.3, Seed: 4, Step: 8}
	whole := make([]float64, n)
	DropoutForward(whole, x, p)
	part := nanVec(500)
	q := p
	q.Offset = 1000
	DropoutForward(part, x[1000:1500], q)
	wantSlice(t, "offset", part, whole[1000:1500], 0)

	// In place, and backward uses the forward's mask.
	dy := randVec(n, 2)
	dx := nanVec(n)
	DropoutBackward(dx, dy, p)
	for i := range dx {
		if (dx[i] == 0) != (whole[i] == 0) {
			t.Fatalf("element %d: backward mask differs from forward (dx %g, y %g)", i, dx[i], whole[i])
		}
	}
	DropoutBackward(dy, dy, p)
	wantSlice(t, "backward in place", dy, dx, 0)
}

func TestDropoutGradient(t *testing.T) {
	p := Dropout{P: 0.4, Seed: 5, Step: 3, Offset: 77}
	x, r := randVec(300, 1), randVec(300, 2)
	y := make([]float64, 300)
	loss := func() float64 { DropoutForward(y, x, p); return dot(r, y) }
	dx := nanVec(300)
	DropoutBackward(dx, r, p)
	gradCheck(t, "dropout", x, dx, loss)
}

func TestDropoutValidate(t *testing.T) {
	for _, p := range []float64{0, 0.5, math.Nextafter(1, 0)} {
		if err := (Dropout{P: p}).Validate(); err != nil {
			t.Errorf("P=%g: unexpected error %v", p, err)
		}
	}
	for _, p := range []float64{1, -0.1, 2, math.NaN()} {
		if err := (Dropout{P: p}).Validate(); err == nil {
			t.Errorf("P=%g: Validate accepted it, want an error", p)
		}
	}
	a := make([]float64, 3)
	mustPanic(t, "P=1", "P = 1", func() { DropoutForward(a, a, Dropout{P: 1}) })
	mustPanic(t, "length", "len(dx)", func() { DropoutBackward(a[1:], a, Dropout{}) })
}
