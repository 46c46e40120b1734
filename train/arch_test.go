package train

import (
	"strings"
	"testing"
)

func TestPaperShapesAndParams(t *testing.T) {
	a, err := Get("alexnet", 1000, 3, 0)
	if err != nil {
		t.Fatal(err)
	}
	shapes, _ := a.Shapes()
	want := map[string]Shape{"conv1": {96, 55, 55}, "pool1": {96, 27, 27}, "conv2": {256, 27, 27}, "pool2": {256, 13, 13},
		"conv3": {384, 13, 13}, "conv4": {384, 13, 13}, "conv5": {256, 13, 13}, "pool5": {256, 6, 6}, "fc6": {4096, 1, 1}, "fc8": {1000, 1, 1}}
	for i, l := range a.Layers {
		if w, ok := want[l.Name]; ok && shapes[i] != w {
			t.Errorf("%s: %v, want %v", l.Name, shapes[i], w)
		}
	}
	if n := a.ParamCount(); n != 60965224 { // ANCHORS.md
		t.Errorf("paper net has %d parameters, want 60,965,224", n)
	}
	// About 0.72 G multiply-adds per image (ANCHORS.md).
	if g := float64(a.FLOPs()) / 2e9; g < 0.70 || g > 0.74 {
		t.Errorf("forward %.3f G multiply-adds, want about 0.72", g)
	}
}

func TestTorchVisionLayout(t *testing.T) {
	a, _ := Get("alexnet-tv", 1000, 3, 0)
	if n := a.ParamCount(); n != 61100840 { // torchvision's published count
		t.Errorf("alexnet-tv has %d parameters, want 61,100,840", n)
	}
	var names []string
	for _, p := range a.Params() {
		names = append(names, p.Name)
	}
	want := "features.0.weight features.0.bias features.3.weight features.3.bias features.6.weight features.6.bias features.8.weight features.8.bias features.10.weight features.10.bias classifier.1.weight classifier.1.bias classifier.4.weight classifier.4.bias classifier.6.weight classifier.6.bias"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("names:\n%s\nwant\n%s", got, want)
	}
}

func TestSmallFitsSmallImages(t *testing.T) {
	for _, size := range []int{28, 32} {
		for _, ch := range []int{1, 3} {
			a, err := Get("alexnet-small", 10, ch, size)
			if err != nil {
				t.Fatalf("size %d channels %d: %v", size, ch, err)
			}
			if !strings.Contains(a.Summary(), "total parameters") {
				t.Error(a.Summary())
			}
		}
	}
	if _, err := Get("alexnet-small", 10, 1, 8); err == nil || !strings.Contains(err.Error(), "smaller than") {
		t.Errorf("8 px input: err = %v, want one naming the layer that does not fit", err)
	}
	if _, err := Get("vgg16", 10, 3, 0); err == nil || !strings.Contains(err.Error(), "alexnet-small") {
		t.Errorf("unknown arch: err = %v, want one listing the known ones", err)
	}
}
