package vk

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers"
	"github.com/alexnet-vk/alexnet/layers/layerstest"
)

// Softmax tolerances. The GPU sums the k exponentials in another order than Go and its exp and log
// are good to a few ulp (Vulkan: exp 3+2|x| ulp, log 3 ulp), so lse, loss = lse − z_label and
// every probability exp(z − lse) carry an absolute error of a few 1e-6 for logits of magnitude ~10.
// dz = (p − onehot)·gradScale scales that error by gradScale.
const (
	lossAtol, lossRtol = 1e-5, 1e-6
	dzAtol, dzRtol     = 1e-6, 1e-5
)

// softmaxLogits are logits scaled to ±spread around shift; rounded to integers when ties is set,
// so that labels tie with other classes and the rank rule (ties to the lower class) matters.
func softmaxLogits(n, k int, spread, shift float32, ties bool, seed uint64) []float32 {
	z := layerstest.Rand(n*k, seed)
	for i := range z {
		z[i] = z[i]*spread + shift
		if ties {
			z[i] = float32(math.Round(float64(z[i])))
		}
	}
	return z
}

func softmaxLabels(n, k int, seed uint64) []int32 {
	r := rand.New(rand.NewPCG(seed, 1))
	labels := make([]int32, n)
	for i := range labels {
		labels[i] = int32(r.IntN(k))
	}
	return labels
}

// softmaxRef returns the reference loss and dz, each sample's hits {top1, top5} and the batch
// stats {loss sum (in float64, then rounded), top-1 count, top-5 count}.
func softmaxRef(z []float32, labels []int32, n, k int, gradScale float32) (loss, dz []float32, hits []int32, stats []float32) {
	loss, dz, hits = make([]float32, n), make([]float32, n*k), make([]int32, 2*n)
	layers.SoftmaxCE(dz, loss, z, labels, n, k, gradScale)
	var sum float64
	var top1, top5 int
	for i := 0; i < n; i++ {
		row, label := z[i*k:(i+1)*k], labels[i:i+1]
		hits[2*i] = int32(layers.TopKCorrect(row, label, 1, k, 1))
		hits[2*i+1] = int32(layers.TopKCorrect(row, label, 1, k, 5))
		sum += float64(loss[i])
		top1 += int(hits[2*i])
		top5 += int(hits[2*i+1])
	}
	return loss, dz, hits, []float32{float32(sum), float32(top1), float32(top5)}
}

// softmaxInput is one way of drawing logits: spread and shift as in softmaxLogits, and ties.
type softmaxInput struct {
	name          string
	spread, shift float32
	ties          bool
}

// softmaxInputs are logits of a realistic spread, the same shifted by 1000 (an unstable softmax
// overflows) and integer logits full of ties.
var softmaxInputs = []softmaxInput{{"spread8", 8, 0, false}, {"shift1000", 8, 1000, false}, {"ties", 2, 0, true}}

// verifySoftmaxCE runs SoftmaxCE and SoftmaxCEReduce over n samples of k classes against the
// reference, with gradScale = 1/n as a trainer passes it.
func verifySoftmaxCE(t *testing.T, d *gpu.Device, l *Lib, n, k int, v softmaxInput) {
	gradScale := 1 / float32(n)
	z, labels := softmaxLogits(n, k, v.spread, v.shift, v.ties, 21), softmaxLabels(n, k, 22)
	loss, dz, hits, stats := softmaxRef(z, labels, n, k, gradScale)
	tz, tl := in(t, d, z), inI32(t, d, labels)
	tdz, tloss, thits, tstats := out(t, d, n*k), out(t, d, n), out(t, d, 2*n), out(t, d, StatFloats)
	record(t, d, func(s *gpu.Seq) {
		l.SoftmaxCE(s, tdz.Arg(), tloss.Arg(), thits.Arg(), tz.Arg(), tl.Arg(), n, k, gradScale)
		l.SoftmaxCEReduce(s, tstats.Arg(), tloss.Arg(), thits.Arg(), n)
	})
	compare(t, "loss", tloss.floats(), loss, lossAtol, lossRtol, []int{n})
	compare(t, "dz", tdz.floats(), dz, dzAtol*float64(gradScale), dzRtol, []int{n, k})
	for i, h := range thits.ints() {
		if h != hits[i] {
			t.Fatalf("hits of sample %d (top-%d): got %d, want %d", i/2, []int{1, 5}[i%2], h, hits[i])
		}
	}
	// The loss sum adds n rounded losses in a tree instead of in order.
	compare(t, "stats loss sum", tstats.floats()[:1], stats[:1], lossAtol*float64(n), 1e-6, nil)
	compare(t, "stats top-1/top-5 counts", tstats.floats()[1:], stats[1:], 0, 0, nil)
	tz.unchanged("z")
	tl.unchanged("labels")
}

func TestSoftmaxCE(t *testing.T) {
	d, l := setup(t)
	for _, c := range softmaxCases {
		for _, v := range softmaxInputs {
			t.Run(fmt.Sprintf("n%d/k%d/%s", c.n, c.k, v.name), func(t *testing.T) { verifySoftmaxCE(t, d, l, c.n, c.k, v) })
		}
	}
}

// A label outside [0, k) is a data bug the reference panics on; the GPU, which cannot panic, must
// flag it with a NaN loss (so the step's loss sum shows it) and leave the other samples intact.
func TestSoftmaxCEBadLabel(t *testing.T) {
	d, l := setup(t)
	const n, k = 3, 10
	z, labels := softmaxLogits(n, k, 8, 0, false, 23), []int32{2, k, -1}
	loss, dz, _, _ := softmaxRef(z[:k], labels[:1], 1, k, 1)
	tz, tl := in(t, d, z), inI32(t, d, labels)
	tdz, tloss, thits := out(t, d, n*k), out(t, d, n), out(t, d, 2*n)
	record(t, d, func(s *gpu.Seq) {
		l.SoftmaxCE(s, tdz.Arg(), tloss.Arg(), thits.Arg(), tz.Arg(), tl.Arg(), n, k, 1)
	})
	gotLoss, gotDz, gotHits := tloss.floats(), tdz.floats(), thits.ints()
	compare(t, "loss of the good sample", gotLoss[:1], loss, lossAtol, lossRtol, nil)
	compare(t, "dz of the good sample", gotDz[:k], dz, dzAtol, dzRtol, nil)
	for i := 1; i < n; i++ {
		if !math.IsNaN(float64(gotLoss[i])) {
			t.Errorf("sample %d with label %d: loss %g, want NaN", i, labels[i], gotLoss[i])
		}
		for j, g := range gotDz[i*k : (i+1)*k] {
			if g != 0 {
				t.Errorf("sample %d with label %d: dz[%d] = %g, want 0", i, labels[i], j, g)
			}
		}
		if gotHits[2*i] != 0 || gotHits[2*i+1] != 0 {
			t.Errorf("sample %d with label %d: hits %v, want none", i, labels[i], gotHits[2*i:2*i+2])
		}
	}
}
