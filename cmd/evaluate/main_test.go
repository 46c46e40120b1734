package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/alexnet-vk/alexnet/data/datatest"
	"github.com/alexnet-vk/alexnet/gpu/gputest"
	"github.com/alexnet-vk/alexnet/layers/vk"
	"github.com/alexnet-vk/alexnet/train"
)

func TestMain(m *testing.M) { gputest.Main(m) }

// evaluateArgs runs the command on the shared validated test device.
func evaluateArgs(t *testing.T, lib *vk.Lib, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	o, code := parseArgs(args, &errb)
	if code >= 0 {
		return code, out.String(), errb.String()
	}
	c, err := prepare(&o)
	if err != nil {
		return 1, out.String(), errb.String() + err.Error()
	}
	code = runOn(gputest.Device(t), lib, c, o, &out, &errb)
	return code, out.String(), errb.String()
}

// A checkpoint of a short run evaluates on its own dataset (found from the checkpoint) with the
// counts adding up, the files written beside it, test images exported for classify, and a 10-crop
// evaluation giving a different but sane answer.
func TestEvaluateCheckpoint(t *testing.T) {
	d := gputest.Device(t)
	lib, err := vk.New(d)
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Free()
	data := t.TempDir()
	if err := datatest.WriteIDXSet(data, 256, 48); err != nil {
		t.Fatal(err)
	}
	c := train.Defaults()
	c.Data, c.Out, c.Batch, c.Steps, c.Epochs, c.Quiet, c.Workers, c.EvalLimit = data, t.TempDir(), 32, 6, 0, true, 2, 16
	tr, err := train.NewTrainer(d, lib, c)
	if err != nil {
		t.Fatal(err)
	}
	tr.Hooks.Log = func(string, ...any) {}
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	ck := tr.LastCheckpoint()
	tr.Close()

	code, stdout, stderr := evaluateArgs(t, lib, "--weights", ck, "--samples", "5", "--json", "--workers", "2", "--batch", "16")
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	var res struct {
		Images     int
		Top1, Top5 float64
		Out        string
		Step       int
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("stdout %q: %v", stdout, err)
	}
	if want := filepath.Join(c.Out, "eval-000000000006"); res.Out != want || res.Images != 48 || res.Step != 6 || res.Top1 < 0 || res.Top5 < res.Top1 || res.Top5 > 1 {
		t.Errorf("result %+v, want 48 images at step 6 written to %s, 0 ≤ top-1 ≤ top-5 ≤ 1", res, want)
	}
	if !strings.Contains(stderr, "top-1") || !strings.Contains(stderr, "per class, worst first") || !strings.Contains(stderr, "bin/classify --weights "+ck) {
		t.Errorf("stderr lacks the summary, the per-class line or the classify command:\n%s", stderr)
	}
	rows := readCSV(t, filepath.Join(res.Out, "confusion.csv"))
	total, correct := 0, 0
	for i := 1; i < len(rows); i++ {
		for j := 1; j < len(rows[i]); j++ {
			n, _ := strconv.Atoi(rows[i][j])
			total += n
			if i == j {
				correct += n
			}
		}
	}
	if total != 48 || float64(correct)/48 != res.Top1 {
		t.Errorf("confusion.csv counts %d images, %d correct; the result says 48 and top-1 %g", total, correct, res.Top1)
	}
	for _, f := range []string{"confusion.png", "mistakes.png", "per-class.csv", "report.html"} {
		if st, err := os.Stat(filepath.Join(res.Out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	samples, _ := filepath.Glob(filepath.Join(res.Out, "samples", "*.png"))
	if len(samples) != 5 {
		t.Errorf("samples %q, want 5 PNGs", samples)
	}

	code, stdout, stderr = evaluateArgs(t, lib, "--weights", ck, "--ten-crop", "--limit", "20", "--json", "--out", t.TempDir(), "--workers", "2")
	if code != 0 || !strings.Contains(stderr, "10 crops") || !strings.Contains(stdout, `"images":20`) {
		t.Errorf("--ten-crop --limit 20: exit %d, stdout %s, stderr:\n%s", code, stdout, stderr)
	}
}

// Misuse is a usage error naming the culprit; an unreadable weights file is an error naming it.
func TestEvaluateErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "--weights FILE is required"},
		{[]string{"--weights", "x", "extra"}, 2, `"extra"`},
		{[]string{"--weights", "x", "--batch", "0"}, 2, "--batch 0"},
		{[]string{"--help"}, 0, "Examples:"},
		{[]string{"--weights", filepath.Join(t.TempDir(), "nope.safetensors")}, 1, "nope.safetensors"},
	} {
		var out, errb bytes.Buffer
		code := run(tc.args, &out, &errb)
		if code != tc.code || !strings.Contains(errb.String(), tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want %d and %q", tc.args, code, errb.String(), tc.code, tc.want)
		}
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
