package vk

import (
	"fmt"
	"testing"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers"
	"github.com/alexnet-vk/alexnet/layers/layerstest"
)

// dropoutDraws are the (seed, step, offset) triples tested: zeros, large words (the top bit set,
// so signed/unsigned mix-ups show) and an offset that wraps around 2³².
var dropoutDraws = []layers.Dropout{
	{Seed: 0, Step: 0, Offset: 0},
	{Seed: 42, Step: 7, Offset: 4096},
	{Seed: 0xDEADBEEF, Step: 0x80000001, Offset: 0xFFFFFFF0},
}

// dropoutSizes is a subset of elemSizes: the fc6/fc7 activations at batch 1 and 2 plus awkward lengths.
var dropoutSizes = []sized{{"1", 1}, {"7", 7}, {"2049", 2049}, {"65537", 65537}, {"fc6/batch1", 4096}, {"fc6/batch2", 2 * 4096}}

// ctrWords is the {seed, step} counter the dropout kernels read, as int32 words for the harness.
func ctrWords(p layers.Dropout) []int32 { return []int32{int32(p.Seed), int32(p.Step)} }

// verifyDropout runs both directions of draw p over n elements against the reference. The mask is
// integer hashing and the kept values are one float32 multiply by the same float32 scale as the
// reference's, so both must match exactly (tolerance 0).
func verifyDropout(t *testing.T, d *gpu.Device, l *Lib, n int, p layers.Dropout) {
	x, dy := layerstest.Rand(n, 4), layerstest.Rand(n, 5)
	y, dx := make([]float32, n), make([]float32, n)
	layers.DropoutForward(y, x, p)
	layers.DropoutBackward(dx, dy, p)
	tx, tdy, tctr := in(t, d, x), in(t, d, dy), inI32(t, d, ctrWords(p))
	ty, tdx := out(t, d, n), out(t, d, n)
	record(t, d, func(s *gpu.Seq) {
		l.DropoutForward(s, ty.Arg(), tx.Arg(), tctr.Arg(), n, p.P, p.Offset)
		l.DropoutBackward(s, tdx.Arg(), tdy.Arg(), tctr.Arg(), n, p.P, p.Offset)
	})
	compare(t, "y", ty.floats(), y, 0, 0, nil)
	compare(t, "dx", tdx.floats(), dx, 0, 0, nil)
	if p.P == 0 {
		compare(t, "y at p=0 (identity)", ty.floats(), x, 0, 0, nil)
	}
	tx.unchanged("x")
	tdy.unchanged("dy")
	tctr.unchanged("ctr")
}

func TestDropout(t *testing.T) {
	d, l := setup(t)
	for _, c := range dropoutSizes {
		for _, prob := range []float64{0, 0.5, 0.9} {
			for _, draw := range dropoutDraws {
				p := draw
				p.P = prob
				t.Run(fmt.Sprintf("%s/p%g/seed%d/step%d/offset%d", c.name, prob, p.Seed, p.Step, p.Offset), func(t *testing.T) {
					verifyDropout(t, d, l, c.n, p)
				})
			}
		}
	}
}

// Seed and step come from the ctr buffer when the sequence runs: rewriting ctr between two runs of
// one recorded sequence must give the new draw's mask, in place (y = x) as the trainer may run it.
func TestDropoutReadsCounterAtRunTime(t *testing.T) {
	d, l := setup(t)
	const n = 2 * 4096
	first := layers.Dropout{P: 0.5, Seed: 1, Step: 1, Offset: 0}
	second := first
	second.Step = 2
	x := layerstest.Rand(n, 6)
	ty, tctr := in(t, d, x), inI32(t, d, ctrWords(first))
	s := recorded(t, d, func(s *gpu.Seq) { l.DropoutForward(s, ty.Arg(), ty.Arg(), tctr.Arg(), n, 0.5, 0) })
	masks := make([][]float32, 2)
	for i, p := range []layers.Dropout{first, second} {
		if err := ty.b.Upload(guard*4, gpu.F32Bytes(x)); err != nil {
			t.Fatal(err)
		}
		if err := tctr.b.Upload(guard*4, gpu.I32Bytes(ctrWords(p))); err != nil {
			t.Fatal(err)
		}
		run(t, s)
		want := make([]float32, n)
		layers.DropoutForward(want, x, p)
		masks[i] = ty.floats()
		compare(t, fmt.Sprintf("run %d (step %d)", i+1, p.Step), masks[i], want, 0, 0, nil)
	}
	same := 0
	for i := range masks[0] {
		if (masks[0][i] == 0) == (masks[1][i] == 0) {
			same++
		}
	}
	if same == n {
		t.Fatalf("steps 1 and 2 gave the same mask over %d elements: ctr is not read at run time", n)
	}
}
