package viz

import (
	"strings"
	"testing"
)

var fashionNames = []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}

// fashionConfusion returns a plausible 10-class confusion: mostly right, shirts confused with
// T-shirts, pullovers and coats.
func fashionConfusion() [][]int {
	m := make([][]int, 10)
	for i := range m {
		m[i] = make([]int, 10)
		m[i][i] = 900 + 10*i
		m[i][(i+1)%10] = 100 - 10*i
	}
	m[6][6], m[6][0], m[6][2], m[6][4] = 620, 180, 110, 90
	return m
}

func TestConfusionMatrixGolden(t *testing.T) {
	small := [][]int{{5, 1, 0}, {0, 0, 0}, {2, 3, 9}}
	cases := []struct {
		name   string
		counts [][]int
		names  []string
		title  string
	}{
		{"confusion_fashion", fashionConfusion(), fashionNames, "confusion at step 5625: top-1 90.5% on 10000 images"},
		{"confusion_3_unnamed_emptyrow", small, nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkGolden(t, tc.name, ConfusionMatrix(tc.counts, tc.names, ConfusionOptions{Title: tc.title}))
		})
	}
}

// The diagonal of a perfect classifier is the top colour and everything else the bottom one; a
// 1000-class matrix stays within bounds.
func TestConfusionMatrixColours(t *testing.T) {
	n := 4
	m := make([][]int, n)
	for i := range m {
		m[i] = make([]int, n)
		m[i][i] = 7
	}
	img := ConfusionMatrix(m, nil, ConfusionOptions{})
	cell := confusionCell(n)
	hits := countColor(img, img.Rect, c4(Viridis(1)))
	if hits < n*(cell-2)*(cell-2)-n*textWidth("7")*lineH {
		t.Errorf("the diagonal has %d pixels of the top colour, want about %d", hits, n*cell*cell)
	}
	big := make([][]int, 1000)
	for i := range big {
		big[i] = make([]int, 1000)
		big[i][(i*7)%1000] = 3
	}
	if img := ConfusionMatrix(big, nil, ConfusionOptions{}); img.Rect.Dx() > 1100 || img.Rect.Dy() > 1100 {
		t.Errorf("1000 classes: %v, want at most 1100×1100 (one pixel per cell)", img.Rect)
	}
	for _, bad := range []func(){
		func() { ConfusionMatrix([][]int{{1, 2}}, nil, ConfusionOptions{}) },
		func() { ConfusionMatrix([][]int{{1}}, []string{}, ConfusionOptions{}) },
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), "viz: ConfusionMatrix") {
					t.Errorf("panic %v, want a viz: ConfusionMatrix message", r)
				}
			}()
			bad()
		}()
	}
}

func TestGalleryGolden(t *testing.T) {
	items := []GalleryItem{
		{fashionLike(), []string{"true: Shirt", "pred: T-shirt/top 97.1%", "test #4242"}},
		{shirtImage(), []string{"true: Pullover", "pred: Coat 88.0%"}},
		{nil, []string{"true: a very long class name that will not fit", "pred: x"}},
	}
	checkGolden(t, "gallery_3", Gallery(items, GalleryOptions{Title: "most confident mistakes at step 500", Cols: 2}))
	checkGolden(t, "gallery_empty", Gallery(nil, GalleryOptions{Title: "no mistakes"}))
	big := make([]float32, 3*227*227)
	for i := range big {
		big[i] = float32(i % 251)
	}
	g := Gallery([]GalleryItem{{TensorImage(big, 3, 227, 227), []string{"a", "b"}}}, GalleryOptions{})
	if g.Rect.Dx() > 160 || g.Rect.Dy() > 160 {
		t.Errorf("a 227-px picture is not shrunk into its 96-px box: gallery %v", g.Rect)
	}
}

func TestFilterTimelineGolden(t *testing.T) {
	k, c, r, s := 8, 1, 5, 5
	init := gaborFilters(k, c, r, s)
	var frames [][]float32
	for i := 0; i < 4; i++ {
		f := make([]float32, len(init))
		for j := range f {
			f[j] = init[j]*0.2 + quant(float64(i)/3)*gaborFilters(k, c, r, s)[(j+7)%len(init)]
		}
		frames = append(frames, f)
	}
	checkGolden(t, "timeline_grey", FilterTimeline(frames, []int{0, 100, 200, 300}, k, c, r, s, 1, TimelineOptions{Cols: 3}))
	rgb := [][]float32{gaborFilters(6, 3, 5, 5), gaborFilters(6, 3, 5, 5)}
	for j := range rgb[1] {
		rgb[1][j] *= 2
	}
	checkGolden(t, "timeline_rgb", FilterTimeline(rgb, []int{0, 50}, 6, 3, 5, 5, 2, TimelineOptions{}))
}
