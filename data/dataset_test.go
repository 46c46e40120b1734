package data

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseNames(t *testing.T) {
	for _, f := range []Format{FormatAuto, FormatImageFolder, FormatIDX, FormatCIFAR10, FormatShards} {
		if g, err := ParseFormat(strings.ToUpper(f.String())); err != nil || g != f {
			t.Fatalf("ParseFormat(%q) = %v, %v", f.String(), g, err)
		}
	}
	for _, n := range []Norm{NormMeanImage, NormImageNet, NormChannel, NormNone} {
		if g, err := ParseNorm(n.String()); err != nil || g != n {
			t.Fatalf("ParseNorm(%q) = %v, %v", n.String(), g, err)
		}
	}
	if _, err := ParseFormat("jpeg"); err == nil || !strings.Contains(err.Error(), "imagefolder") {
		t.Fatalf("ParseFormat(jpeg): %v", err)
	}
	if _, err := ParseNorm("zscore"); err == nil || !strings.Contains(err.Error(), "mean-image") {
		t.Fatalf("ParseNorm(zscore): %v", err)
	}
}

func TestHoldOut(t *testing.T) {
	dir := makeIDXDir(t, 50, 1, 4, 4, 10, true)
	file := filepath.Join(dir, "train-images-idx3-ubyte.gz")
	open := func(seed uint64) *Dataset {
		d, err := Open(file, OpenOptions{HoldOut: 0.2, Seed: seed, Format: FormatIDX})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	d := open(1)
	if d.Train.Len() != 40 || d.Test == nil || d.Test.Len() != 10 {
		t.Fatalf("hold-out 0.2 of 50: %d train, test %v", d.Train.Len(), d.Test)
	}
	seen := map[int]bool{}
	for _, s := range []*Split{d.Train, d.Test} {
		for i := 0; i < s.Len(); i++ {
			src := s.at(i)
			if seen[src] {
				t.Fatalf("sample %d is in both splits", src)
			}
			seen[src] = true
			if s.Label(i) != src%10 {
				t.Fatalf("%s sample %d: label %d, want %d", s.Name, i, s.Label(i), src%10)
			}
		}
	}
	if !slices.Equal(open(1).Test.index, d.Test.index) || slices.Equal(open(2).Test.index, d.Test.index) {
		t.Fatal("the held-out subset is not a function of the seed")
	}
	if _, err := Open(file, OpenOptions{HoldOut: 0.001}); err == nil || !strings.Contains(err.Error(), "empty split") {
		t.Fatalf("hold-out of no sample: %v", err)
	}
}
