package window

import (
	"strings"
	"testing"
)

func TestWideGraphicsRefused(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == vectorWidthEnv {
				return v
			}
			return ""
		}
	}
	if err := wideGraphicsError("llvmpipe (LLVM 15.0.6, 512 bits)", env("512")); err == nil || !strings.Contains(err.Error(), "--vector-width native") {
		t.Errorf("lavapipe at 512: err = %v, want a refusal naming --vector-width", err)
	}
	for _, c := range []struct{ dev, w string }{{"llvmpipe (LLVM 15.0.6, 256 bits)", "256"}, {"llvmpipe", ""}, {"NVIDIA H100", "512"}} {
		if err := wideGraphicsError(c.dev, env(c.w)); err != nil {
			t.Errorf("%s at %q: %v", c.dev, c.w, err)
		}
	}
}
