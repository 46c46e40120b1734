package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/gpu/gputest"
	"github.com/alexnet-vk/alexnet/train"
)

func TestMain(m *testing.M) { gputest.Main(m) }

// useTestDevice makes run use the shared validated device, so a validation message fails the test.
func useTestDevice(t *testing.T) {
	d := gputest.Device(t)
	prev := openDevice
	openDevice = func(gpu.Options) (*gpu.Device, func(), error) { return d, func() {}, nil }
	t.Cleanup(func() { openDevice = prev })
}

// A tiny run's JSON report has every field, with sane values: positive times, shares summing to
// 100%, throughput and memory above zero, FLOPs agreeing with the architecture's.
func TestJSONReport(t *testing.T) {
	useTestDevice(t)
	var out, errb bytes.Buffer
	args := []string{"--arch", "alexnet-small", "--batch", "4", "--steps", "1", "--json", "--vector-width", "native"}
	if code := run(args, &out, &errb); code != 0 {
		t.Fatalf("bench %v: exit %d\n%s", args, code, errb.String())
	}
	var r Report
	dec := json.NewDecoder(&out)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("report is not the Report JSON: %v\n%s", err, out.String())
	}
	a, err := train.Get("alexnet-small", 10, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	s := r.Settings
	switch {
	case r.Time == "" || r.Device.Name == "" || r.Device.Driver == "" || r.Device.APIVersion == "":
		t.Errorf("device or time missing: %+v %q", r.Device, r.Time)
	case s.Arch != "alexnet-small" || s.Batch != 4 || s.Steps != 1 || s.Classes != 10 || len(s.Input) != 3 || s.Input[1] != 28:
		t.Errorf("settings %+v do not echo the flags", s)
	case s.MicroBatch < 1 || s.Batch%s.MicroBatch != 0 || s.Env == nil || s.GOMAXPROCS < 1:
		t.Errorf("settings %+v: bad micro-batch or missing environment", s)
	case r.Model.Params != a.ParamCount() || math.Abs(r.Model.ForwardGFLOPPerImage-float64(a.FLOPs())/1e9) > 1e-12:
		t.Errorf("model %+v, want %d params, %d FLOPs", r.Model, a.ParamCount(), a.FLOPs())
	case r.Memory.AllocatedBytes <= 0 || r.Memory.NetBytes <= 0 || r.Memory.NetBytes > r.Memory.AllocatedBytes:
		t.Errorf("memory %+v", r.Memory)
	}
	for name, tp := range map[string]Throughput{"train": r.Train, "infer": r.Infer} {
		if len(tp.StepsMs) != 1 || !(tp.MeanMs > 0) || !(tp.MinMs > 0) || !(tp.ImgPerS > 0) || !(tp.GFLOPs > 0) ||
			!(tp.CPUMs > 0) || math.Abs(tp.ImgPerCPUS-4/(tp.CPUMs/1e3)) > 1e-6*tp.ImgPerCPUS ||
			math.Abs(tp.ImgPerS-4/(tp.MeanMs/1e3)) > 1e-6*tp.ImgPerS {
			t.Errorf("%s throughput %+v", name, tp)
		}
	}
	checkProfile(t, r.Profile, a)
	checkConvAlgos(t, r)
}

// checkConvAlgos checks alexnet-small's conv algorithm rows: every layer (conv1 and conv2 5×5,
// conv3–conv5 3×3, all stride 1: each has a Winograd form) timed under auto (F(4×4,3×3) for the 3×3
// ones only), each pass the fastest algorithm.
func checkConvAlgos(t *testing.T, r Report) {
	t.Helper()
	if len(r.ConvAlgos) != 5 {
		t.Fatalf("conv algorithms %+v: want alexnet-small's 5 conv layers", r.ConvAlgos)
	}
	for i, c := range r.ConvAlgos {
		if c.Layer != fmt.Sprintf("conv%d", i+1) {
			t.Errorf("row %d is %+v", i, c)
		}
		timed := r.Settings.ConvAlgo == "auto"
		if (c.FwdMs != nil) != timed || (c.DataMs != nil) != timed || (c.FilterMs != nil) != timed || (c.TimedImages > 0) != timed {
			t.Errorf("%s (--conv-algo %s): timings %+v", c.Layer, r.Settings.ConvAlgo, c)
		}
		if !timed || c.FwdMs == nil || c.DataMs == nil || c.FilterMs == nil {
			continue
		}
		if k3 := i >= 2; (c.FwdMs[2] > 0) != k3 || (c.DataMs[2] > 0) != k3 || (c.FilterMs[2] > 0) != k3 {
			t.Errorf("%s: F(4×4,3×3) timings %v %v %v (want them for the 3×3 layers alone)", c.Layer, *c.FwdMs, *c.DataMs, *c.FilterMs)
		}
		faster := func(ms *[3]float64) string {
			best := 0
			for j := 1; j < 3; j++ {
				if ms[j] > 0 && ms[j] < ms[best] {
					best = j
				}
			}
			return []string{"direct", "winograd", "winograd4"}[best]
		}
		if c.Fwd != faster(c.FwdMs) || c.Data != faster(c.DataMs) || c.Filter != faster(c.FilterMs) {
			t.Errorf("%s runs %+v, not the faster of its timings", c.Layer, c)
		}
	}
}

// checkProfile checks the per-kernel and per-layer rows of a profiled alexnet-small step.
func checkProfile(t *testing.T, p *Profile, a train.Arch) {
	t.Helper()
	if p == nil {
		t.Fatal("no profile in the report")
	}
	if !(p.DeviceMs > 0) || !(p.WallMs > 0) || p.Commands < len(p.Kernels) || p.Truncated || math.Abs(p.SharesTotal-100) > 0.01 {
		t.Errorf("profile totals: device %g ms, wall %g ms, %d commands in %d labels, truncated %v, shares %g%%",
			p.DeviceMs, p.WallMs, p.Commands, len(p.Kernels), p.Truncated, p.SharesTotal)
	}
	var kernelMs, kernelShare, layerMs, layerShare float64
	labels := map[string]bool{}
	for _, k := range p.Kernels {
		if k.Ms < 0 || k.Count < 1 || k.Kernel == "" || k.Layer == "" {
			t.Errorf("kernel row %+v", k)
		}
		kernelMs += k.Ms
		kernelShare += k.SharePct
		labels[k.Label] = true
	}
	fwd, bwd := layerFLOPs(a, 4)
	for _, l := range p.Layers {
		layerMs += l.Ms
		layerShare += l.SharePct
		want := map[string]float64{"fwd": fwd[l.Layer], "bwd": bwd[l.Layer]}[l.Dir]
		if math.Abs(l.GFLOP-want/1e9) > 1e-12 || (want > 0) != (l.GFLOPs > 0) {
			t.Errorf("layer row %+v: want %g GFLOP and a rate when there are FLOPs", l, want/1e9)
		}
	}
	if math.Abs(kernelShare-100) > 0.01 || math.Abs(layerShare-100) > 0.01 ||
		math.Abs(kernelMs-p.DeviceMs) > 1e-6*p.DeviceMs || math.Abs(layerMs-p.DeviceMs) > 1e-6*p.DeviceMs {
		t.Errorf("shares sum to %g%% (kernels) and %g%% (layers), times to %g and %g ms of %g", kernelShare, layerShare, kernelMs, layerMs, p.DeviceMs)
	}
	// conv1.bwd:bias_grad_lane: conv1 runs whichever algorithm auto picks, and at batch 4 (3136
	// values per channel) both compute db with bias_grad_lane, as every linear layer does.
	for _, l := range []string{"conv1.bwd:bias_grad_lane", "fc8.bwd:bias_grad_lane", "loss:softmaxce_loss", "sgd:sgd_update_vec4"} {
		if !labels[l] {
			t.Errorf("no kernel row %q (have %v)", l, labels)
		}
	}
	if p.Layers[0].Layer != "io" || p.Layers[1].Layer != "conv1" || p.Layers[1].Dir != "fwd" || p.Layers[len(p.Layers)-1].Layer != "sgd" {
		t.Errorf("layer rows not in step order: first %+v %+v, last %+v", p.Layers[0], p.Layers[1], p.Layers[len(p.Layers)-1])
	}
}

// The text report names the device, the throughputs and the tables.
func TestTextReport(t *testing.T) {
	useTestDevice(t)
	var out, errb bytes.Buffer
	args := []string{"--arch", "alexnet-small", "--batch", "2", "--steps", "1", "--warmup", "0", "--vector-width", "native"}
	if code := run(args, &out, &errb); code != 0 {
		t.Fatalf("bench %v: exit %d\n%s", args, code, errb.String())
	}
	for _, want := range []string{"device ", "train ", "infer ", "memory ", "conv2 ", "GFLOP/s", "conv1.bwd:"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, out.String())
		}
	}
	if !strings.Contains(errb.String(), "train step 1/1") {
		t.Errorf("no progress on stderr:\n%s", errb.String())
	}
}

// Flag mistakes exit 2 with a message naming the flag, before any device is opened.
func TestFlagErrors(t *testing.T) {
	prev := openDevice
	openDevice = func(gpu.Options) (*gpu.Device, func(), error) { return nil, nil, errors.New("device opened") }
	t.Cleanup(func() { openDevice = prev })
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--help"}, 0, "Examples:"},
		{[]string{"--nope"}, 2, "unknown flag"},
		{[]string{"extra"}, 2, `unexpected argument "extra"`},
		{[]string{"--arch", "lenet"}, 2, `unknown --arch "lenet"`},
		{[]string{"--batch", "0"}, 2, "--batch 0"},
		{[]string{"--steps", "0"}, 2, "--steps 0"},
		{[]string{"--warmup", "-1"}, 2, "--warmup -1"},
		{[]string{"--batch", "4", "--micro-batch", "3"}, 2, "--micro-batch 3"},
		{[]string{"--size", "32"}, 2, "only alexnet-small"},
		{[]string{"--arch", "alexnet-small", "--size", "8"}, 2, "smaller than"},
		{[]string{"--channels", "2"}, 2, "2 input channels"},
		{[]string{"--vector-width", "384"}, 2, `invalid argument "384" for "--vector-width" flag: "384": want auto, 256, 512 or native`},
		{[]string{"--vector-width", "native", "--arch", "alexnet-small"}, 1, "device opened"},
	}
	for _, c := range cases {
		var out, errb bytes.Buffer
		if code := run(c.args, &out, &errb); code != c.code || !strings.Contains(errb.String(), c.want) {
			t.Errorf("bench %v: exit %d, want %d; stderr should contain %q:\n%s", c.args, code, c.code, c.want, errb.String())
		}
	}
}
