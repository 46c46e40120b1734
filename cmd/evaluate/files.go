package main

import (
	"fmt"
	"image"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/alexnet-vk/alexnet/train"
	"github.com/alexnet-vk/alexnet/viz"
)

// perClassLine names every class's accuracy, lowest first.
func perClassLine(r *train.EvalResult, names []string) string {
	acc, _ := r.PerClass()
	idx := make([]int, len(acc))
	for i := range idx {
		idx[i] = i
	}
	for i := 1; i < len(idx); i++ { // insertion sort by accuracy, NaN last
		for j := i; j > 0 && less(acc[idx[j]], acc[idx[j-1]]); j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
	var parts []string
	for k, i := range idx {
		if k == 12 && len(idx) > 13 {
			parts = append(parts, fmt.Sprintf("… %d more in per-class.csv", len(idx)-12))
			break
		}
		if !math.IsNaN(acc[i]) {
			parts = append(parts, fmt.Sprintf("%s %.1f%%", name(names, i), 100*acc[i]))
		}
	}
	return "per class, worst first: " + strings.Join(parts, ", ")
}

func less(a, b float64) bool { return !math.IsNaN(a) && (math.IsNaN(b) || a < b) }

func name(names []string, i int) string {
	if i < len(names) {
		return names[i]
	}
	return fmt.Sprintf("class %d", i)
}

// writeReport writes <out>/report.html: the result, the confusion matrix, the mistakes and the
// per-class accuracy on one self-contained page.
func writeReport(t *train.Trainer, r *train.EvalResult, pics *train.EvalPictures, o options) error {
	var figs []viz.Figure
	for _, f := range []struct {
		id, title string
		img       image.Image
	}{{"confusion", "confusion matrix", pics.Confusion}, {"mistakes", "most confident mistakes", pics.Mistakes}} {
		fig, err := viz.NewFigure(f.id, f.title, "", f.img)
		if err != nil {
			return err
		}
		figs = append(figs, fig)
	}
	acc, images := r.PerClass()
	tb := viz.Table{ID: "per-class", Title: "per-class accuracy", Head: []string{"class", "test images", "top-1"}}
	for i := range acc {
		a := "-"
		if !math.IsNaN(acc[i]) {
			a = fmt.Sprintf("%.1f %%", 100*acc[i])
		}
		tb.Rows = append(tb.Rows, []string{fmt.Sprintf("%d %s", i, name(t.Data.Classes, i)), fmt.Sprint(images[i]), a})
	}
	crops := "one centre crop"
	if o.tenCrop {
		crops = "the average of 10 crops"
	}
	rep := viz.Report{Title: "evaluation of " + o.weights,
		Subtitle: fmt.Sprintf("%s at step %d on the test split of %s, %s", t.Arch.Name, r.Step, t.Data.Path, crops),
		Summary: []viz.KV{{Key: "top-1", Value: fmt.Sprintf("%.2f %%", 100*r.Top1)}, {Key: "top-5", Value: fmt.Sprintf("%.2f %%", 100*r.Top5)},
			{Key: "loss", Value: fmt.Sprintf("%.4f", r.Loss)}, {Key: "test images", Value: fmt.Sprint(r.Images)}},
		Figures: figs, Tables: []viz.Table{tb},
		Settings: []viz.KV{{Key: "weights", Value: o.weights}, {Key: "data", Value: t.Data.Path}, {Key: "arch", Value: t.Arch.Name},
			{Key: "ten-crop", Value: fmt.Sprint(o.tenCrop)}, {Key: "limit", Value: fmt.Sprint(o.limit)}, {Key: "resize", Value: fmt.Sprint(o.resize)}},
		Footer: "Written by cmd/evaluate at " + time.Now().Format("2006-01-02 15:04:05") + ". Self-contained: it loads nothing from anywhere."}
	return viz.WriteReport(filepath.Join(o.out, "report.html"), rep)
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// exportSamples writes n images of the test split, spread over it (every len/n-th), as PNGs named
// <index>-<true class>.png into dir, and returns their paths.
func exportSamples(t *train.Trainer, dir string, n int) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	s := t.Data.Test
	n = min(n, s.Len())
	var paths []string
	for k := 0; k < n; k++ {
		i := k * s.Len() / n
		img, err := train.SplitImage(s, i)
		if err != nil {
			return paths, fmt.Errorf("test image %d (%s): %v", i, s.SampleName(i), err)
		}
		label := unsafeName.ReplaceAllString(name(t.Data.Classes, s.Label(i)), "_")
		p := filepath.Join(dir, fmt.Sprintf("%05d-%s.png", i, label))
		if err := viz.SavePNG(p, img); err != nil {
			return paths, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}
