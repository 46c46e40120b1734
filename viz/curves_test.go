package viz

import (
	"image"
	"math"
	"testing"
)

// trainingCurves returns a plausible run: train loss and accuracy every 10 steps, val every 50.
func trainingCurves(steps int, nanAt int) []Series {
	var tr, va Series
	tr = Series{Name: "train", Metric: Loss}
	va = Series{Name: "val", Metric: Loss}
	tra := Series{Name: "train", Metric: Accuracy}
	vaa := Series{Name: "val", Metric: Accuracy}
	for s := 0; s <= steps; s += 10 {
		p := float64(s) / float64(steps)
		loss := float64(quant(2.3*math.Exp(-3*p) + 0.25 + 0.08*math.Sin(float64(s))))
		if s == nanAt {
			loss = math.NaN()
		}
		tr.Step, tr.Value = append(tr.Step, s), append(tr.Value, loss)
		tra.Step, tra.Value = append(tra.Step, s), append(tra.Value, float64(quant(0.1+0.8*(1-math.Exp(-4*p)))))
		if s%50 == 0 {
			va.Step, va.Value = append(va.Step, s), append(va.Value, float64(quant(2.3*math.Exp(-2.5*p)+0.35)))
			vaa.Step, vaa.Value = append(vaa.Step, s), append(vaa.Value, float64(quant(0.1+0.7*(1-math.Exp(-3.5*p)))))
		}
	}
	return []Series{tr, va, tra, vaa}
}

// historyCurves is what Trainer.Series gives from a per-step log: raw values faint under their
// smoothed curve, evaluations with markers, and the learning rate.
func historyCurves() []Series {
	raw := Series{Name: "train", Metric: Loss, Faint: true}
	smooth := Series{Name: "train", Metric: Loss}
	test := Series{Name: "test", Metric: Loss, Markers: true}
	lr := Series{Name: "lr", Metric: LR}
	for s := 1; s <= 120; s++ {
		v := float64(quant(2*math.Exp(-float64(s)/40) + 0.3 + 0.2*math.Sin(float64(s)*1.7)))
		raw.Step, raw.Value = append(raw.Step, s), append(raw.Value, v)
		smooth.Step, smooth.Value = append(smooth.Step, s), append(smooth.Value, float64(quant(2*math.Exp(-float64(s)/40)+0.3)))
		lr.Step, lr.Value = append(lr.Step, s), append(lr.Value, float64(quant(0.01*float64(121-s)/120*64))/64)
		if s%40 == 0 {
			test.Step, test.Value = append(test.Step, s), append(test.Value, float64(quant(1.8*math.Exp(-float64(s)/50)+0.4)))
		}
	}
	return []Series{raw, smooth, test, lr}
}

func TestCurvesGolden(t *testing.T) {
	cases := []struct {
		name   string
		series []Series
		opt    CurveOptions
	}{
		{"curves_run", trainingCurves(1200, -1), CurveOptions{Width: 480, Height: 180}},
		{"curves_nan", trainingCurves(300, 120), CurveOptions{Width: 400, Height: 150}},
		{"curves_empty", nil, CurveOptions{Width: 320, Height: 120}},
		{"curves_history", historyCurves(), CurveOptions{Width: 600, Height: 200}},
		{"curves_one_eval", []Series{{Name: "test", Metric: Accuracy, Step: []int{150}, Value: []float64{0.6}}}, CurveOptions{Width: 400, Height: 150}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { checkGolden(t, tc.name, Curves(tc.series, tc.opt)) })
	}
}

// TestCurvesPanelsAndColours checks each metric lands in its own half, in its series' colour,
// and that a falling loss is drawn falling.
func TestCurvesPanelsAndColours(t *testing.T) {
	loss := Series{Name: "train", Metric: Loss, Step: []int{0, 100}, Value: []float64{2, 0.5}}
	acc := Series{Name: "val", Metric: Accuracy, Step: []int{0, 100}, Value: []float64{0.1, 0.9}}
	cases := []struct {
		series          []Series
		left, right     [4]uint8 // colour expected in the left / right half ({} for none)
		absentLeftRight [2][4]uint8
	}{
		{[]Series{loss}, c4(seriesPalette[0]), [4]uint8{}, [2][4]uint8{{}, c4(seriesPalette[0])}},
		{[]Series{acc}, [4]uint8{}, c4(seriesPalette[0]), [2][4]uint8{c4(seriesPalette[0]), {}}},
		{[]Series{loss, acc}, c4(seriesPalette[0]), c4(seriesPalette[1]), [2][4]uint8{c4(seriesPalette[1]), c4(seriesPalette[0])}},
	}
	for i, tc := range cases {
		img := Curves(tc.series, CurveOptions{Width: 400, Height: 200})
		halves := [2]image.Rectangle{image.Rect(0, 0, 200, 200), image.Rect(200, 0, 400, 200)}
		for h, want := range [2][4]uint8{tc.left, tc.right} {
			if want != ([4]uint8{}) && countColor(img, halves[h], want) < 50 {
				t.Errorf("case %d: half %d lacks its curve colour %v", i, h, want)
			}
			if a := tc.absentLeftRight[h]; a != ([4]uint8{}) && countColor(img, halves[h], a) > 0 {
				t.Errorf("case %d: half %d shows colour %v of the other panel", i, h, a)
			}
		}
	}
	img := Curves([]Series{loss}, CurveOptions{Width: 400, Height: 200})
	early := topmost(img, image.Rect(0, titleBand, 100, 200), c4(seriesPalette[0]))
	late := topmost(img, image.Rect(100, titleBand, 200, 200), c4(seriesPalette[0]))
	if early < 0 || late < 0 || early >= late {
		t.Errorf("falling loss not drawn falling: topmost curve pixel y=%d in the first half, y=%d in the second", early, late)
	}
}

// topmost returns the smallest y in r where img has colour c, or -1.
func topmost(img *image.RGBA, r image.Rectangle, c [4]uint8) int {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		if countColor(img, image.Rect(r.Min.X, y, r.Max.X, y+1), c) > 0 {
			return y
		}
	}
	return -1
}

func TestCurvesRobustness(t *testing.T) {
	cases := []struct {
		name    string
		series  []Series
		opt     CurveOptions
		size    image.Point
		magenta bool
	}{
		{"defaults", nil, CurveOptions{}, image.Pt(640, 240), false},
		{"tiny", trainingCurves(100, -1), CurveOptions{Width: 60, Height: 30}, image.Pt(60, 30), false},
		{"one point", []Series{{Name: "t", Step: []int{5}, Value: []float64{1}}}, CurveOptions{Width: 300, Height: 120}, image.Pt(300, 120), false},
		{"lengths differ", []Series{{Name: "t", Step: []int{1, 2, 3}, Value: []float64{1}}}, CurveOptions{Width: 300, Height: 120}, image.Pt(300, 120), false},
		{"inf loss", []Series{{Name: "t", Step: []int{1, 2, 3}, Value: []float64{1, math.Inf(1), 0.5}}}, CurveOptions{Width: 300, Height: 120}, image.Pt(300, 120), true},
		{"accuracy out of range", []Series{{Name: "a", Metric: Accuracy, Step: []int{1, 2}, Value: []float64{-3, 1e30}}}, CurveOptions{Width: 300, Height: 120}, image.Pt(300, 120), false},
	}
	for _, tc := range cases {
		img := Curves(tc.series, tc.opt)
		if img.Rect.Size() != tc.size {
			t.Errorf("%s: size %v, want %v", tc.name, img.Rect.Size(), tc.size)
		}
		if got := countColor(img, img.Rect, c4(nanColor)) > 0; got != tc.magenta {
			t.Errorf("%s: magenta marker drawn = %v, want %v", tc.name, got, tc.magenta)
		}
	}
}
