package layerstest

import (
	"math"
	"strings"
	"testing"
)

func TestRandDeterministicAndInRange(t *testing.T) {
	a, b, c := Rand(1000, 1), Rand(1000, 1), Rand(1000, 2)
	same := 0
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("Rand(1000, 1)[%d] differs between calls: %g vs %g", i, a[i], b[i])
		}
		if a[i] < -1 || a[i] >= 1 {
			t.Fatalf("Rand value %g outside [-1, 1)", a[i])
		}
		if a[i] == c[i] {
			same++
		}
	}
	if same > 10 {
		t.Errorf("seeds 1 and 2 share %d of 1000 values, want different streams", same)
	}
	var mean float64
	for _, v := range a {
		mean += float64(v)
	}
	// The mean of 1000 uniform(−1,1) draws has sigma sqrt(1/3/1000) ≈ 0.018; 4 sigma ≈ 0.073.
	if mean /= 1000; math.Abs(mean) > 0.073 {
		t.Errorf("mean of Rand(1000, 1) = %g, want |mean| < 0.073", mean)
	}
}

func TestCompare(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	tests := []struct {
		name       string
		got, want  []float32
		atol, rtol float64
		shape      []int
		wantErr    []string // substrings of the error; nil means no error
	}{
		{"equal", []float32{1, 2, 3}, []float32{1, 2, 3}, 0, 0, nil, nil},
		{"within atol", []float32{1.05}, []float32{1}, 0.1, 0, nil, nil},
		{"within rtol", []float32{101}, []float32{100}, 0, 0.02, nil, nil},
		{"outside", []float32{1.2}, []float32{1}, 0.1, 0, nil, []string{"[i=0]", "got 1.2", "want 1", "1 of 1"}},
		{"first of several, 4-D coords", []float32{0, 0, 2, 7, 0, 0, 0, 0}, make([]float32, 8), 1e-3, 0, []int{1, 2, 2, 2},
			[]string{"[n=0 c=0 h=1 w=0]", "got 2", "2 of 8"}},
		{"2-D coords", []float32{0, 0, 0, 5}, []float32{0, 0, 0, 0}, 0, 0, []int{2, 2}, []string{"[1 1]"}},
		{"NaN in got", []float32{nan}, []float32{0}, 1e9, 1e9, nil, []string{"got NaN"}},
		{"Inf in got", []float32{inf}, []float32{0}, 1e9, 1e9, nil, []string{"got +Inf"}},
		{"same Inf", []float32{inf}, []float32{inf}, 0, 0, nil, nil},
		{"length", []float32{1}, []float32{1, 2}, 0, 0, nil, []string{"len(got) = 1"}},
		{"shape", []float32{1, 2}, []float32{1, 2}, 0, 0, []int{3}, []string{"shape [3]"}},
	}
	for _, tc := range tests {
		err := Compare(tc.got, tc.want, tc.atol, tc.rtol, tc.shape)
		if tc.wantErr == nil {
			if err != nil {
				t.Errorf("%s: unexpected error %v", tc.name, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: no error, want one containing %q", tc.name, tc.wantErr)
			continue
		}
		for _, s := range tc.wantErr {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("%s: error %q does not contain %q", tc.name, err, s)
			}
		}
	}
}
