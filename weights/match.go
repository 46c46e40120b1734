package weights

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// MatchError lists every way a set of tensors differs from what a model expects; each list is
// sorted by name.
type MatchError struct {
	Missing    []string        // expected but absent
	Unexpected []string        // present but not expected
	Repeated   []string        // present more than once
	Mismatched []ShapeMismatch // present with the wrong shape
}

// ShapeMismatch is one tensor whose shape differs from the expected one.
type ShapeMismatch struct {
	Name      string
	Got, Want []int
}

// Error returns one line per problem, for example
// `weights: tensor "features.0.weight": shape [64 3 11 11], model expects [96 3 11 11]`.
func (e *MatchError) Error() string {
	var lines []string
	for _, n := range e.Missing {
		lines = append(lines, fmt.Sprintf("tensor %q: missing", n))
	}
	for _, n := range e.Unexpected {
		lines = append(lines, fmt.Sprintf("tensor %q: unexpected (the model has no such parameter)", n))
	}
	for _, n := range e.Repeated {
		lines = append(lines, fmt.Sprintf("tensor %q: appears more than once", n))
	}
	for _, m := range e.Mismatched {
		lines = append(lines, fmt.Sprintf("tensor %q: shape %v, model expects %v", m.Name, m.Got, m.Want))
	}
	return fmt.Sprintf("weights: %d problem(s) matching tensors to the model:\n  %s", len(lines), strings.Join(lines, "\n  "))
}

// Match checks got against the names and shapes a model expects and returns a *MatchError listing
// every missing, unexpected, repeated and wrongly shaped tensor, or nil when they agree exactly.
func Match(got []Tensor, want map[string][]int) error {
	e := &MatchError{}
	count := map[string]int{}
	for i := range got {
		t := &got[i]
		count[t.Name]++
		if count[t.Name] == 2 {
			e.Repeated = append(e.Repeated, t.Name)
		}
		if count[t.Name] > 1 {
			continue
		}
		shape, ok := want[t.Name]
		switch {
		case !ok:
			e.Unexpected = append(e.Unexpected, t.Name)
		case !slices.Equal(t.Shape, shape):
			e.Mismatched = append(e.Mismatched, ShapeMismatch{t.Name, t.Shape, shape})
		}
	}
	for name := range want {
		if count[name] == 0 {
			e.Missing = append(e.Missing, name)
		}
	}
	if len(e.Missing)+len(e.Unexpected)+len(e.Repeated)+len(e.Mismatched) == 0 {
		return nil
	}
	sort.Strings(e.Missing)
	sort.Strings(e.Unexpected)
	sort.Strings(e.Repeated)
	sort.Slice(e.Mismatched, func(i, j int) bool { return e.Mismatched[i].Name < e.Mismatched[j].Name })
	return e
}
