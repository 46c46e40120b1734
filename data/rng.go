package data

import (
	"math"
	"math/bits"
)

// Randomness here is a function of (seed, epoch, position), never shared mutable state, so that
// the same seed gives the same batches whatever the number of workers and wherever a run resumes.

// Stream tags keep the random streams of different jobs apart for the same (seed, epoch, position).
const (
	streamShuffle uint64 = 0x5348_5546 // "SHUF": the epoch's sample order
	streamAugment uint64 = 0x4155_474d // "AUGM": one sample's crop, flip and colour noise
	streamHoldOut uint64 = 0x484f_4c44 // "HOLD": the held-out validation subset
)

// mix64 is splitmix64's finaliser: a bijection of uint64 with good avalanche.
func mix64(z uint64) uint64 {
	z ^= z >> 30
	z *= 0xbf58476d1ce4e5b9
	z ^= z >> 27
	z *= 0x94d049bb133111eb
	z ^= z >> 31
	return z
}

// hashKey folds a seed and a list of counters into one 64-bit key.
func hashKey(seed uint64, parts ...uint64) uint64 {
	h := mix64(seed ^ 0x9e3779b97f4a7c15)
	for _, p := range parts {
		h = mix64(h ^ mix64(p+0x9e3779b97f4a7c15))
	}
	return h
}

// rng is a splitmix64 generator started from a hashKey; it is a value, cheap to make per sample.
type rng struct{ s uint64 }

// newRNG returns the generator for one (seed, stream, counters...) key.
func newRNG(seed, stream uint64, parts ...uint64) rng {
	return rng{s: hashKey(seed, append([]uint64{stream}, parts...)...)}
}

// next returns the next 64 random bits.
func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	return mix64(r.s)
}

// intn returns a uniform integer in [0, n) by Lemire's multiply-shift with rejection.
func (r *rng) intn(n int) int {
	if n <= 0 {
		panic("data: rng.intn with n <= 0")
	}
	bound := uint64(n)
	for {
		x := r.next()
		hi, lo := bits.Mul64(x, bound)
		if lo >= bound || lo >= (-bound)%bound {
			return int(hi)
		}
	}
}

// float64 returns a uniform float in [0, 1) with 53 random bits.
func (r *rng) float64() float64 {
	return float64(r.next()>>11) / (1 << 53)
}

// bool returns a fair coin.
func (r *rng) bool() bool { return r.next()>>63 == 1 }

// normal returns a standard normal draw by the Box–Muller transform.
func (r *rng) normal() float64 {
	u := 1 - r.float64() // (0, 1], so the log is finite
	v := r.float64()
	return math.Sqrt(-2*math.Log(u)) * math.Cos(2*math.Pi*v)
}

// permutation returns a uniformly random permutation of [0, n) for (seed, epoch).
func permutation(seed uint64, epoch, n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	r := newRNG(seed, streamShuffle, uint64(epoch))
	for i := n - 1; i > 0; i-- { // Fisher–Yates
		j := r.intn(i + 1)
		p[i], p[j] = p[j], p[i]
	}
	return p
}
