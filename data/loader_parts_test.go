package data

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// The parts of a batch (data-parallel ranks' shares) are its rows, in order: the same images, crops,
// flips and noise as the whole batch, for any number of parts, uneven splits included.
func TestLoaderPartsMakeTheBatch(t *testing.T) {
	d := openIDXTest(t, 30, 8, 8)
	whole := collect(t, d.Train, trainCfg(2), 1000)
	row := 3 * 6 * 6
	for _, parts := range []int{2, 3, 7} {
		got := make([][]Batch, parts)
		for p := range parts {
			cfg := trainCfg(2)
			cfg.Part, cfg.Parts = p, parts
			got[p] = collect(t, d.Train, cfg, 1000)
		}
		for i, w := range whole {
			var x []float32
			var labels []int32
			var index []int
			for p := range parts {
				b := got[p][i]
				if lo, hi := p*w.N/parts, (p+1)*w.N/parts; b.N != hi-lo || b.Epoch != w.Epoch || b.Step != w.Step {
					t.Fatalf("%d parts, batch %d, part %d: %d images of epoch %d step %d, want %d of %d/%d", parts, i, p, b.N, b.Epoch, b.Step, hi-lo, w.Epoch, w.Step)
				}
				x, labels, index = append(x, b.X...), append(labels, b.Labels...), append(index, b.Index...)
			}
			if !slices.Equal(x, w.X[:w.N*row]) || !slices.Equal(labels, w.Labels) || !slices.Equal(index, w.Index) {
				t.Fatalf("%d parts: batch %d put together differs from the whole batch", parts, i)
			}
		}
	}
}

func TestLoaderPartErrors(t *testing.T) {
	d := openIDXTest(t, 10, 8, 8)
	for _, pp := range [][2]int{{2, 2}, {-1, 2}, {0, 3}, {1, 0}} {
		cfg := LoaderConfig{BatchSize: 2, Norm: NormNone, Part: pp[0], Parts: pp[1]}
		if _, err := NewLoader(d.Train, cfg); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("part %d of %d", pp[0], pp[1])) {
			t.Errorf("part %d of %d: got %v, want an error naming it", pp[0], pp[1], err)
		}
	}
}
