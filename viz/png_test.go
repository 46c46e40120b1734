package viz

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSavePNG(t *testing.T) {
	dir := t.TempDir()
	good := Curves(nil, CurveOptions{Width: 50, Height: 40})
	cases := []struct {
		name    string
		path    string
		img     image.Image
		wantErr string
	}{
		{"writes", filepath.Join(dir, "a.png"), good, ""},
		{"overwrites", filepath.Join(dir, "a.png"), ActivationGrid([]float32{1, 2}, 1, 1, 2, "", GridOptions{}), ""},
		{"missing dir", filepath.Join(dir, "no", "such", "b.png"), good, "no/such/b.png"},
		{"encode fails, old file kept", filepath.Join(dir, "a.png"), image.NewRGBA(image.Rect(0, 0, 0, 0)), "encoding PNG"},
	}
	var last image.Image
	for _, tc := range cases {
		err := SavePNG(tc.path, tc.img)
		if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
			t.Fatalf("%s: error %v, want one containing %q", tc.name, err, tc.wantErr)
		}
		if err == nil {
			last = tc.img
		}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.Contains(e.Name(), ".tmp-") {
				t.Errorf("%s: temporary file %s left behind", tc.name, e.Name())
			}
		}
	}
	f, err := os.Open(filepath.Join(dir, "a.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := png.Decode(f)
	if err != nil {
		t.Fatalf("a.png is not a whole PNG after a failed save: %v", err)
	}
	if msg := firstDiff(toRGBA(got), toRGBA(last)); msg != "" {
		t.Errorf("a.png holds the wrong picture: %s", msg)
	}
}
