package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/alexnet-vk/alexnet/train"
)

// Each way of spreading the step reports what it moves and how long that takes: replicas move every
// extra replica's gradient slab to the host and back; the split moves activations and gradients.
func TestCommPerMode(t *testing.T) {
	a, err := train.Get("alexnet-small", 10, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	slab := float64(a.ParamCount() * 4)
	for _, tc := range []struct {
		flags []string
		mode  string
		bytes float64 // 0: any positive amount
	}{
		{nil, "single", -1},
		{[]string{"--devices", "0,0"}, "replicas", 2 * slab},
		{[]string{"--split", "2"}, "split", 0},
	} {
		useTestDevice(t)
		var out, errb bytes.Buffer
		args := append([]string{"--arch", "alexnet-small", "--batch", "4", "--steps", "2", "--json", "--vector-width", "native"}, tc.flags...)
		if code := run(args, &out, &errb); code != 0 {
			t.Fatalf("bench %v: exit %d\n%s", args, code, errb.String())
		}
		var r Report
		if err := json.Unmarshal(out.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		c := r.Comm
		switch {
		case c.Mode != tc.mode || c.Ranks != 1:
			t.Errorf("%v: comm %+v, want mode %s", tc.flags, c, tc.mode)
		case tc.bytes < 0 && (c.BytesPerStep != 0 || c.MsPerStep != 0):
			t.Errorf("one device communicates: %+v", c)
		case tc.bytes >= 0 && (c.Devices != 2 || !(c.MsPerStep > 0) || !(c.StepMs > c.MsPerStep) || !(c.SharePct > 0 && c.SharePct < 100)):
			t.Errorf("%v: comm %+v: want 2 devices and a time below the step's", tc.flags, c)
		case tc.bytes > 0 && c.BytesPerStep != tc.bytes, tc.bytes == 0 && !(c.BytesPerStep > 0):
			t.Errorf("%v: %g bytes per step, want %g", tc.flags, c.BytesPerStep, tc.bytes)
		}
		if tc.bytes >= 0 && r.Profile != nil {
			t.Errorf("%v: a per-kernel profile of one device among several", tc.flags)
		}
		var text bytes.Buffer
		r.WriteText(&text)
		if !strings.Contains(text.String(), "comm     ") {
			t.Errorf("the text report has no comm line:\n%s", text.String())
		}
	}
}
