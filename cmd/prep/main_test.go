package main

import (
	"bytes"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alexnet-vk/alexnet/data"
)

// writeJPEGs writes n small solid JPEGs into dir/<class> for each class.
func writeJPEGs(t *testing.T, dir string, classes []string, n int) {
	t.Helper()
	for ci, c := range classes {
		if err := os.MkdirAll(filepath.Join(dir, c), 0o755); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < n; i++ {
			img := image.NewGray(image.Rect(0, 0, 20+i, 30))
			for p := range img.Pix {
				img.Pix[p] = uint8(60 * (ci + 1))
			}
			var buf bytes.Buffer
			if err := jpeg.Encode(&buf, img, nil); err != nil {
				t.Fatal(err)
			}
			name := filepath.Join(dir, c, string(rune('a'+i))+".jpg")
			if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestRun(t *testing.T) {
	in := t.TempDir()
	writeJPEGs(t, in, []string{"ant", "bee"}, 3)
	out := filepath.Join(t.TempDir(), "shards")
	cases := []struct {
		name string
		args []string
		code int
		want string // in stderr
	}{
		{"help", []string{"--help"}, 0, "Examples:"},
		{"no flags", nil, 2, "--in and --out are required"},
		{"bad flag", []string{"--nope"}, 2, "unknown flag"},
		{"bad size", []string{"--in", in, "--out", out, "--size", "0"}, 2, "at least 1"},
		{"missing input", []string{"--in", filepath.Join(in, "nope"), "--out", out}, 1, "no such file or directory"},
		{"pack", []string{"--in", in, "--out", out, "--size", "16", "--shard-size", "4", "--workers", "2"}, 0, "6 images in 2 shards"},
		{"rerun keeps shards", []string{"--in", in, "--out", out, "--size", "16", "--shard-size", "4", "--quiet"}, 0, "2 shards verified and kept"},
	}
	for _, c := range cases {
		var stderr bytes.Buffer
		if code := run(c.args, &stderr); code != c.code || !strings.Contains(stderr.String(), c.want) {
			t.Fatalf("%s: exit %d, want %d; stderr should contain %q:\n%s", c.name, code, c.code, c.want, stderr.String())
		}
	}
	d, err := data.Open(out, data.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if d.Format != data.FormatShards || d.Train.Len() != 6 || d.Height != 16 || strings.Join(d.Classes, ",") != "ant,bee" {
		t.Fatalf("prep output opens as %v with %d images %dx%d classes %v", d.Format, d.Train.Len(), d.Height, d.Width, d.Classes)
	}
}
