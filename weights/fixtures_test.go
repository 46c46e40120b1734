package weights

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// facts is what testdata/make_fixtures.py recorded about one tensor with PyTorch.
type facts struct {
	Shape []int     `json:"shape"`
	DType string    `json:"dtype"`
	Sum   float64   `json:"sum"`
	First []float64 `json:"first"`
}

// expected loads testdata/expected.json's group (e.g. "tv_small") of tensor facts.
func expected(t *testing.T, group string) map[string]facts {
	t.Helper()
	var all map[string]json.RawMessage
	b, err := os.ReadFile(filepath.Join("testdata", "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &all); err != nil {
		t.Fatal(err)
	}
	var g map[string]facts
	if err := json.Unmarshal(all[group], &g); err != nil {
		t.Fatalf("expected.json group %q: %v", group, err)
	}
	if len(g) == 0 {
		t.Fatalf("expected.json has no group %q", group)
	}
	return g
}

// checkFacts compares tensors with PyTorch's facts: the same names, shapes and kinds, and sums and
// first values within atol 1e-5 + rtol 1e-6. Values read from F32/F16/BF16/I* are the exact numbers
// PyTorch summed in float64, so only summation order differs (~1e-12); F64 values are rounded to
// float32 (relative 6e-8 each), which the tolerance covers for these few small tensors.
func checkFacts(t *testing.T, file string, got []Tensor, want map[string]facts) {
	t.Helper()
	var names []string
	for i := range got {
		names = append(names, got[i].Name)
	}
	var wantNames []string
	for n := range want {
		wantNames = append(wantNames, n)
	}
	slices.Sort(wantNames)
	sortedNames := slices.Sorted(slices.Values(names))
	if !slices.Equal(sortedNames, wantNames) {
		t.Fatalf("%s: names %v, want %v", file, names, wantNames)
	}
	close := func(a, b float64) bool { return math.Abs(a-b) <= 1e-5+1e-6*math.Abs(b) }
	for i := range got {
		g, w := &got[i], want[got[i].Name]
		if !slices.Equal(g.Shape, w.Shape) {
			t.Errorf("%s: %s: shape %v, want %v", file, g.Name, g.Shape, w.Shape)
			continue
		}
		isInt := strings.HasPrefix(w.DType, "I")
		if isInt != (g.Ints != nil) || isInt == (g.Data != nil) {
			t.Errorf("%s: %s: dtype %s read into Data=%v Ints=%v", file, g.Name, w.DType, g.Data != nil, g.Ints != nil)
			continue
		}
		vals := make([]float64, 0, g.Numel())
		for _, v := range g.Data {
			vals = append(vals, float64(v))
		}
		for _, v := range g.Ints {
			vals = append(vals, float64(v))
		}
		if len(vals) != g.Numel() {
			t.Errorf("%s: %s: %d values for shape %v", file, g.Name, len(vals), g.Shape)
			continue
		}
		var sum float64
		for _, v := range vals {
			sum += v
		}
		if !close(sum, w.Sum) {
			t.Errorf("%s: %s: sum %.9g, PyTorch %.9g", file, g.Name, sum, w.Sum)
		}
		for k, fv := range w.First {
			if !close(vals[k], fv) {
				t.Errorf("%s: %s: element %d = %.9g, PyTorch %.9g", file, g.Name, k, vals[k], fv)
			}
		}
	}
}

// sameTensors reports the first difference between two tensor lists, comparing float bits so that
// NaNs and signed zeros count.
func sameTensors(a, b []Tensor) string {
	if len(a) != len(b) {
		return "different counts"
	}
	for i := range a {
		x, y := &a[i], &b[i]
		switch {
		case x.Name != y.Name:
			return "names " + x.Name + " vs " + y.Name
		case !slices.Equal(x.Shape, y.Shape):
			return x.Name + ": shapes differ"
		case !slices.Equal(x.Ints, y.Ints), (x.Ints == nil) != (y.Ints == nil):
			return x.Name + ": ints differ"
		case len(x.Data) != len(y.Data), (x.Data == nil) != (y.Data == nil):
			return x.Name + ": data lengths differ"
		}
		for j := range x.Data {
			if math.Float32bits(x.Data[j]) != math.Float32bits(y.Data[j]) {
				return x.Name + ": data differ"
			}
		}
	}
	return ""
}
