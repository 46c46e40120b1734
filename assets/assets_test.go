package assets

import "testing"

// The embedded list has 1000 distinct, non-empty names in torchvision's order.
func TestImageNetClasses(t *testing.T) {
	c := ImageNetClasses()
	if len(c) != 1000 {
		t.Fatalf("%d class names, want 1000", len(c))
	}
	seen := map[string]int{}
	for i, n := range c {
		if j, dup := seen[n]; n == "" || dup {
			t.Errorf("class %d: name %q is empty or also class %d's", i, n, j)
		}
		seen[n] = i
	}
	for i, want := range map[int]string{0: "tench", 1: "goldfish", 999: "toilet tissue"} {
		if c[i] != want {
			t.Errorf("class %d = %q, want %q", i, c[i], want)
		}
	}
	c[0] = "changed"
	if ImageNetClasses()[0] != "tench" {
		t.Error("ImageNetClasses returns a shared slice")
	}
}
