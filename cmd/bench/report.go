package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/train"
)

// Report is everything one bench run measured, in the JSON that runs are compared by.
type Report struct {
	Time     string     `json:"time"`
	Device   Device     `json:"device"`
	Settings Settings   `json:"settings"`
	Model    Model      `json:"model"`
	Train    Throughput `json:"train"`
	Infer    Throughput `json:"infer"`
	Memory   Memory     `json:"memory"`
	Comm     Comm       `json:"comm"`
	Profile  *Profile   `json:"profile,omitempty"`
	// ConvAlgos is the algorithm of each pass of every conv layer, and what auto measured.
	ConvAlgos []ConvAlgo `json:"conv_algos"`
}

// ConvAlgo is one conv layer's algorithm per pass ("direct", "winograd" or "winograd4"), with the
// milliseconds --conv-algo auto measured for each ([direct, winograd, winograd4], at TimedImages
// images; winograd4 0 where not measured: 5×5 filters; absent when the choice was forced or the
// layer cannot run Winograd).
type ConvAlgo struct {
	Layer       string      `json:"layer"`
	Fwd         string      `json:"fwd"`
	Data        string      `json:"data"`
	Filter      string      `json:"filter"`
	TimedImages int         `json:"timed_images,omitempty"`
	FwdMs       *[3]float64 `json:"fwd_ms,omitempty"`
	DataMs      *[3]float64 `json:"data_ms,omitempty"`
	FilterMs    *[3]float64 `json:"filter_ms,omitempty"`
}

// convAlgoReport lists n's conv layers in a's order with their algorithms and timings.
func convAlgoReport(a train.Arch, n *train.Net) []ConvAlgo {
	algos, times := n.ConvAlgos(), n.ConvTimes()
	var out []ConvAlgo
	for _, l := range a.Layers {
		x, ok := algos[l.Name]
		if !ok {
			continue
		}
		c := ConvAlgo{Layer: l.Name, Fwd: string(x.Fwd), Data: string(x.Data), Filter: string(x.Filter)}
		if t, ok := times[l.Name]; ok {
			ms := func(s [3]float64) *[3]float64 { return &[3]float64{s[0] * 1e3, s[1] * 1e3, s[2] * 1e3} }
			c.TimedImages = t.Images
			c.FwdMs, c.DataMs, c.FilterMs = ms(t.Fwd), ms(t.Data), ms(t.Filter)
		}
		out = append(out, c)
	}
	return out
}

// Device identifies the Vulkan device and driver.
type Device struct {
	Name              string  `json:"name"`
	Driver            string  `json:"driver"`
	Type              string  `json:"type"`
	APIVersion        string  `json:"api_version"`
	SubgroupSize      int     `json:"subgroup_size"`
	TimestampPeriodNs float64 `json:"timestamp_period_ns"`
}

func deviceOf(i gpu.Info) Device {
	return Device{Name: i.Name, Driver: strings.TrimSpace(i.Driver), Type: i.Type, APIVersion: i.APIVersion,
		SubgroupSize: i.SubgroupSize, TimestampPeriodNs: i.TimestampPeriodNs}
}

// Settings are the knobs a run used, flags and environment.
type Settings struct {
	Arch            string            `json:"arch"`
	Batch           int               `json:"batch"`
	MicroBatch      int               `json:"micro_batch"`
	Input           []int             `json:"input"` // C, H, W
	Classes         int               `json:"classes"`
	Steps           int               `json:"steps"`
	Warmup          int               `json:"warmup"`
	Profile         bool              `json:"profile"`
	ConvAlgo        string            `json:"conv_algo"`  // --conv-algo (see the report's conv_algos)
	Validation      bool              `json:"validation"` // the validation layer was on (times are then not representative)
	VectorWidth     string            `json:"vector_width"`
	VectorWidthNote string            `json:"vector_width_note,omitempty"`
	ThreadsNote     string            `json:"lp_threads_note,omitempty"` // LP_NUM_THREADS and the CPU budget it came from
	Seed            uint64            `json:"seed"`
	LR              float64           `json:"lr"`
	Momentum        float64           `json:"momentum"`
	WeightDecay     float64           `json:"weight_decay"`
	Env             map[string]string `json:"env"`
	GoVersion       string            `json:"go_version"`
	GOMAXPROCS      int               `json:"gomaxprocs"`
	CPUs            int               `json:"cpus"`
	CPUQuota        float64           `json:"cpu_quota,omitempty"` // the cgroup's CPU quota in CPUs, where one is set
	CPUModel        string            `json:"cpu_model,omitempty"`
	Revision        string            `json:"revision,omitempty"` // the commit built, "+dirty" with local changes (go build's VCS stamp)
}

// Model is the network's size and cost.
type Model struct {
	Params               int     `json:"params"`
	ForwardGFLOPPerImage float64 `json:"forward_gflop_per_image"`
}

// Throughput is the wall time of the timed batches (TrainStep or Logits calls).
type Throughput struct {
	StepsMs []float64 `json:"steps_ms"`
	MeanMs  float64   `json:"mean_ms"`
	MinMs   float64   `json:"min_ms"`
	ImgPerS float64   `json:"img_per_s"`
	GFLOPs  float64   `json:"gflop_per_s"` // useful arithmetic (conv and linear) per second of wall time
	// CPU time of this process per batch (all threads): the work lavapipe does, less sensitive than
	// wall time to other processes on a shared machine; 0 where unknown.
	CPUMs      float64 `json:"cpu_ms"`
	ImgPerCPUS float64 `json:"img_per_cpu_s"`
}

// Memory is the device memory in live buffers after the training steps.
type Memory struct {
	AllocatedBytes   int64 `json:"allocated_bytes"`    // every buffer on the device
	NetBytes         int64 `json:"net_bytes"`          // the buffers the net and its kernels' scratch added
	DeviceLocalBytes int64 `json:"device_local_bytes"` // the device's local heap
}

// Profile is the device time of every command of the last timed training step.
type Profile struct {
	WallMs      float64     `json:"wall_ms"`   // TrainStep of that step, host side included
	DeviceMs    float64     `json:"device_ms"` // sum over the commands
	Commands    int         `json:"commands"`
	Truncated   bool        `json:"truncated"` // more commands than timestamp queries: the tail is missing
	Layers      []LayerTime `json:"layers"`
	Kernels     []Kernel    `json:"kernels"`
	SharesTotal float64     `json:"shares_total_pct"` // the kernels' shares summed (100 when nothing is missing)
}

// LayerTime is one layer and direction ("conv1" "fwd"), or a step phase ("loss", "sgd", "io").
type LayerTime struct {
	Layer    string  `json:"layer"`
	Dir      string  `json:"dir,omitempty"`
	Ms       float64 `json:"ms"`
	SharePct float64 `json:"share_pct"`
	GFLOP    float64 `json:"gflop,omitempty"`
	GFLOPs   float64 `json:"gflop_per_s,omitempty"` // GFLOP over the time of all its kernels
}

// Kernel is one labelled command of the step, summed over micro-batches and chunks.
type Kernel struct {
	Label    string  `json:"label"`
	Layer    string  `json:"layer"`
	Dir      string  `json:"dir,omitempty"`
	Kernel   string  `json:"kernel"`
	Count    int     `json:"count"`
	Ms       float64 `json:"ms"`
	SharePct float64 `json:"share_pct"`
	GFLOPs   float64 `json:"gflop_per_s,omitempty"` // the layer's FLOPs over this kernel's time, when it alone does them
}

// WriteText prints the report as tables.
func (r *Report) WriteText(w io.Writer) {
	s := r.Settings
	fmt.Fprintf(w, "device   %s (%s, %s, Vulkan %s)\n", r.Device.Name, r.Device.Type, r.Device.Driver, r.Device.APIVersion)
	fmt.Fprintf(w, "run      %s, batch %d (micro-batch %d), input %d×%d×%d, %d classes; %d timed after %d warm-up\n",
		s.Arch, s.Batch, s.MicroBatch, s.Input[0], s.Input[1], s.Input[2], s.Classes, s.Steps, s.Warmup)
	if s.Revision != "" {
		fmt.Fprintf(w, "build    %s\n", s.Revision)
	}
	if len(s.Env) > 0 {
		var kv []string
		for _, k := range envReported {
			if v, ok := s.Env[k]; ok {
				kv = append(kv, k+"="+v)
			}
		}
		fmt.Fprintf(w, "env      %s\n", strings.Join(kv, " "))
	}
	if s.ThreadsNote != "" {
		fmt.Fprintf(w, "threads  %s\n", s.ThreadsNote)
	}
	fmt.Fprintf(w, "train    %8.1f img/s  %9.1f ms/step (min %.1f)  %7.1f GFLOP/s  %7.1f img per CPU-second\n", r.Train.ImgPerS, r.Train.MeanMs, r.Train.MinMs, r.Train.GFLOPs, r.Train.ImgPerCPUS)
	fmt.Fprintf(w, "infer    %8.1f img/s  %9.1f ms/batch (min %.1f) %7.1f GFLOP/s  %7.1f img per CPU-second\n", r.Infer.ImgPerS, r.Infer.MeanMs, r.Infer.MinMs, r.Infer.GFLOPs, r.Infer.ImgPerCPUS)
	fmt.Fprintf(w, "memory   %s in use on the device (%s by the net)\n", gpu.Bytes(r.Memory.AllocatedBytes), gpu.Bytes(r.Memory.NetBytes))
	r.Comm.writeText(w)
	p := r.Profile
	if p == nil {
		return
	}
	fmt.Fprintf(w, "\nlast step: %.1f ms of device time in %d commands, %.1f ms wall", p.DeviceMs, p.Commands, p.WallMs)
	if p.Truncated {
		fmt.Fprint(w, " (more commands than timestamps: the tail is missing)")
	}
	fmt.Fprintf(w, "\n\n  %-12s %-4s %10s %7s %9s %9s\n", "layer", "dir", "ms", "share", "GFLOP", "GFLOP/s")
	for _, l := range p.Layers {
		fmt.Fprintf(w, "  %-12s %-4s %10.2f %6.1f%% %9s %9s\n", l.Layer, l.Dir, l.Ms, l.SharePct, blankf(l.GFLOP, 3), blank(l.GFLOPs))
	}
	fmt.Fprintf(w, "\n  %-34s %5s %10s %7s %9s\n", "kernel", "count", "ms", "share", "GFLOP/s")
	for _, k := range p.Kernels {
		fmt.Fprintf(w, "  %-34s %5d %10.2f %6.1f%% %9s\n", k.Label, k.Count, k.Ms, k.SharePct, blank(k.GFLOPs))
	}
}

// blank formats v with one decimal, or nothing for zero.
func blank(v float64) string { return blankf(v, 1) }

// blankf formats v with prec decimals, or nothing for zero.
func blankf(v float64, prec int) string {
	if v == 0 {
		return ""
	}
	return fmt.Sprintf("%.*f", prec, v)
}
