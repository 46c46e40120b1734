package chrome

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// StartForTest starts Chromium for a test and closes it when the test ends. Without Chromium the
// test fails where every test must run (ALEXNET_REQUIRE_GPU=1, as make test sets, or CI=true) and
// is skipped elsewhere.
func StartForTest(t testing.TB) *Browser {
	t.Helper()
	bin, err := Find()
	if err != nil {
		if os.Getenv("ALEXNET_REQUIRE_GPU") == "1" || os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	b, err := Start(bin)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b
}

// CheckPage loads the HTML file at path in b, width pixels wide, and fails t for every picture
// that did not load or is blank (one colour), every console problem and every request beyond the
// page; it returns the page (its screenshot included).
func CheckPage(t testing.TB, b *Browser, path string, width int) *Page {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	start := time.Now()
	p, err := b.Load(ctx, "file://"+path, width)
	if err != nil {
		t.Fatalf("%v; browser output:\n%s", err, b.Stderr())
	}
	t.Logf("%s: loaded and checked in %v: %d pictures, screenshot %d bytes", path, time.Since(start).Round(time.Millisecond), len(p.Pictures), len(p.Screenshot))
	for i, pic := range p.Pictures {
		if !pic.Complete || pic.Width == 0 || pic.Height == 0 {
			t.Errorf("%s: picture %d (%q) did not load: %+v", path, i, pic.Alt, pic)
		} else if pic.Colours < 2 {
			t.Errorf("%s: picture %d (%q) is blank (one colour)", path, i, pic.Alt)
		}
	}
	if len(p.Problems) > 0 {
		t.Errorf("%s: the browser reported:\n%s", path, strings.Join(p.Problems, "\n"))
	}
	if len(p.Requests) > 0 {
		t.Errorf("%s: the page requested %q; a report must load nothing", path, p.Requests)
	}
	return p
}
