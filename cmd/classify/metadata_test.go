package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alexnet-vk/alexnet/train"
	"github.com/alexnet-vk/alexnet/weights"
)

// A checkpoint whose recorded layers would divide by zero (stride 0, groups 0, LRN size 0, pool
// size 0) is refused with a message naming the file and the layer, before any device work; and
// --export may not overwrite a checkpoint or the --weights file itself.
func TestHostileCheckpointAndExport(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, mod func(l []train.Layer)) string {
		layers := train.Small(7, 3, 28).Layers
		mod(layers)
		st := train.State{Arch: "alexnet-small", Classes: 7, Channels: 3, InputSize: 28, LR: 0.01, BestErr: 2, Layers: layers}
		js, _ := json.Marshal(st)
		p := filepath.Join(dir, name+".safetensors")
		ts := []weights.Tensor{{Name: "conv1.weight", Shape: []int{1}, Data: []float32{1}}}
		if err := weights.WriteSafetensors(p, ts, map[string]string{"format": "alexnet-vk checkpoint 1", "state": string(js)}); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct {
		name string
		mod  func(l []train.Layer)
		want string
	}{
		{"stride0", func(l []train.Layer) { l[0].Stride = 0 }, "stride 0"},
		{"groups0", func(l []train.Layer) { l[4].Groups = 0 }, "groups 0"},
		{"lrnsize0", func(l []train.Layer) { l[2].LRN.Size = 0 }, "size 0"},
		{"lrnk0", func(l []train.Layer) { l[2].LRN.K = 0 }, "k > 0"},
		{"pool0", func(l []train.Layer) { l[3].Size = 0 }, "window 0"},
	} {
		p := write(tc.name, tc.mod)
		var stdout, stderr bytes.Buffer
		code := run([]string{"--weights", p, "x.png"}, &stdout, &stderr)
		if code != 1 || !strings.Contains(stderr.String(), tc.want) || !strings.Contains(stderr.String(), p) {
			t.Errorf("%s: exit %d, stderr %q; want 1 naming %s and %q", tc.name, code, stderr.String(), p, tc.want)
		}
	}
	ck := write("good", func([]train.Layer) {})
	for _, args := range [][]string{
		{"--weights", "w.pth", "--export", ck},
		{"--weights", ck, "--export", ck},
		{"--weights", "w.pth", "--export", filepath.Join(dir, "checkpoint-000000000004.safetensors")},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "--export") {
			t.Errorf("%q: exit %d, stderr %q; want 2 and a refusal", args, code, stderr.String())
		}
	}
}
