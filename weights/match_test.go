package weights

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	want := map[string][]int{"a.weight": {2, 3}, "a.bias": {2}, "b.weight": {4}}
	tensor := func(name string, shape ...int) Tensor { return Tensor{Name: name, Shape: shape} }
	tests := []struct {
		name                                  string
		got                                   []Tensor
		missing, unexpected, repeated, shapes []string
	}{
		{"exact", []Tensor{tensor("a.weight", 2, 3), tensor("a.bias", 2), tensor("b.weight", 4)}, nil, nil, nil, nil},
		{"order does not matter", []Tensor{tensor("b.weight", 4), tensor("a.bias", 2), tensor("a.weight", 2, 3)}, nil, nil, nil, nil},
		{"everything wrong at once",
			[]Tensor{tensor("a.weight", 3, 2), tensor("c", 1), tensor("a.bias", 2), tensor("a.bias", 2)},
			[]string{"b.weight"}, []string{"c"}, []string{"a.bias"}, []string{"a.weight"}},
		{"empty", nil, []string{"a.bias", "a.weight", "b.weight"}, nil, nil, nil},
		{"scalar vs vector", []Tensor{tensor("a.weight", 2, 3), tensor("a.bias"), tensor("b.weight", 4)}, nil, nil, nil, []string{"a.bias"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Match(tc.got, want)
			if tc.missing == nil && tc.unexpected == nil && tc.repeated == nil && tc.shapes == nil {
				if err != nil {
					t.Fatalf("Match = %v, want nil", err)
				}
				return
			}
			var me *MatchError
			if !errors.As(err, &me) {
				t.Fatalf("Match = %v, want a *MatchError", err)
			}
			var shapes []string
			for _, m := range me.Mismatched {
				shapes = append(shapes, m.Name)
				if !strings.Contains(err.Error(), m.Name) || !strings.Contains(err.Error(), "model expects") {
					t.Errorf("error %q does not describe %s", err, m.Name)
				}
			}
			for _, c := range []struct {
				what      string
				got, want []string
			}{{"missing", me.Missing, tc.missing}, {"unexpected", me.Unexpected, tc.unexpected},
				{"repeated", me.Repeated, tc.repeated}, {"mismatched", shapes, tc.shapes}} {
				if !slices.Equal(c.got, c.want) {
					t.Errorf("%s = %v, want %v", c.what, c.got, c.want)
				}
				for _, n := range c.want {
					if !strings.Contains(err.Error(), `"`+n+`"`) {
						t.Errorf("error %q does not name %s", err, n)
					}
				}
			}
		})
	}
}

func TestMatchErrorShowsBothShapes(t *testing.T) {
	err := Match([]Tensor{{Name: "features.0.weight", Shape: []int{64, 3, 11, 11}}}, map[string][]int{"features.0.weight": {96, 3, 11, 11}})
	want := `tensor "features.0.weight": shape [64 3 11 11], model expects [96 3 11 11]`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want it to contain %s", err, want)
	}
}
