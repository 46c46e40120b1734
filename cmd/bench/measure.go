package main

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/internal/cputime"
	"github.com/alexnet-vk/alexnet/train"
)

// Hyper-parameters of the timed steps: the paper's (and the PyTorch script's) SGD with momentum.
const lr, momentum, weightDecay = 0.01, 0.9, 5e-4

// envReported lists the environment variables that change what is measured, copied into the report.
var envReported = []string{"LP_NATIVE_VECTOR_WIDTH", "LP_NUM_THREADS", "ALEXNET_DEVICE", "ALEXNET_VALIDATION",
	"VK_DRIVER_FILES", "VK_ICD_FILENAMES", "MESA_SHADER_CACHE_DISABLE", "ALEXNET_KERNELS", "ALEXNET_CONV_ALGO"}

// revision returns the VCS commit the binary was built from, with "+dirty" when the tree had local
// changes, or "" when the build carries no VCS stamp (go test, go run of files).
func revision() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if rev == "" {
		return ""
	}
	return rev + dirty
}

// syntheticBatch returns n images of N(0,1) pixels (normalised images have about that spread) and
// labels spread over the classes.
func syntheticBatch(a train.Arch, n int, seed uint64) ([]float32, []int32) {
	r := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	x := make([]float32, n*a.In.Size())
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	labels := make([]int32, n)
	for i := range labels {
		labels[i] = int32(r.IntN(a.Classes))
	}
	return x, labels
}

// measure builds the net on d, runs the warm-up and timed training steps and inference batches, and
// collects the report.
func measure(p train.Placement, mode string, a train.Arch, o options, progress io.Writer) (*Report, error) {
	d := p.Devices[0]
	rep := &Report{Time: time.Now().UTC().Format(time.RFC3339), Device: deviceOf(d.Info)}
	rep.Settings = Settings{Arch: a.Name, Batch: o.batch, Input: []int{a.In.C, a.In.H, a.In.W}, Classes: a.Classes,
		Steps: o.steps, Warmup: o.warmup, Profile: o.profile, VectorWidth: o.dev.VectorWidth, Seed: o.seed,
		LR: lr, Momentum: momentum, WeightDecay: weightDecay, Env: map[string]string{},
		GoVersion: runtime.Version(), GOMAXPROCS: runtime.GOMAXPROCS(0), CPUs: runtime.NumCPU()}
	rep.Settings.CPUModel, _ = gpu.CPUInfo()
	rep.Settings.CPUQuota = gpu.ProcessCPUBudget().Quota
	rep.Settings.Revision = revision()
	for _, k := range envReported {
		if v, ok := os.LookupEnv(k); ok {
			rep.Settings.Env[k] = v
		}
	}
	if o.profile && d.Info.TimestampPeriodNs == 0 {
		fmt.Fprintf(progress, "bench: %s has no timestamp queries on its compute queue: no per-kernel times\n", d.Info.Name)
		o.profile = false
		rep.Settings.Profile = false
	}
	if o.profile && mode != "single" {
		fmt.Fprintf(progress, "bench: per-kernel times come from one device alone: no profile in %s mode\n", mode)
		o.profile = false
		rep.Settings.Profile = false
	}
	before := allocated(p)
	built := time.Now()
	n, err := train.NewNetOn(p, a, train.NetConfig{Batch: o.batch, MicroBatch: o.micro, Seed: o.seed,
		Dropout: -1, DecayBiases: true, Profile: o.profile, ConvAlgo: o.dev.ConvAlgo})
	if err != nil {
		return nil, err
	}
	defer n.Free()
	n.SetHyper(lr, momentum, weightDecay)
	rep.Settings.MicroBatch = n.Micro
	rep.Settings.ConvAlgo = o.dev.ConvAlgo
	rep.ConvAlgos = convAlgoReport(a, n)
	fmt.Fprintf(progress, "%s: batch %d (micro-batch %d), %s on the device(s), built in %.1f s\n",
		a.Name, o.batch, n.Micro, gpu.Bytes(allocated(p)-before), time.Since(built).Seconds())
	for _, line := range n.ConvAlgoReport() {
		fmt.Fprintf(progress, "conv algorithm %s\n", line)
	}

	x, labels := syntheticBatch(a, o.batch, o.seed)
	all := x // inference runs the whole batch on every rank; training this rank's share of it
	if part, parts := n.DataPart(); parts > 1 {
		size := a.In.Size()
		lo, hi := part*o.batch/parts, (part+1)*o.batch/parts
		x, labels = x[lo*size:hi*size], labels[lo:hi]
	}
	fwdFLOPs, stepFLOPs := trainFLOPs(a, o.batch)
	nanNoted := false
	steps, stepsCPU, err := timed(progress, "train", "step", o, n.ResetComms, func() (string, error) {
		st, err := n.TrainStep(x, labels)
		loss := st.Loss / float64(max(st.N, 1))
		if math.IsNaN(loss) && !nanNoted {
			nanNoted = true
			fmt.Fprintf(progress, "bench: the loss is NaN (synthetic data, lr %g): the timings stand\n", lr)
		}
		return fmt.Sprintf(", loss %.3f", loss), err
	})
	if err != nil {
		return nil, err
	}
	rep.Train = throughput(steps, stepsCPU, o.batch, stepFLOPs)
	rep.Comm = commReport(mode, p, n.Comms())
	if b, ok := p.Comm.(interface{ Barrier() error }); ok && p.Comm.Size() > 1 {
		if rep.Comm.AllreduceMs, err = bareAllreduce(p.Comm, b, a.ParamCount(), 3); err != nil {
			return nil, err
		}
	}
	rep.Memory = Memory{AllocatedBytes: allocated(p), NetBytes: allocated(p) - before, DeviceLocalBytes: d.Info.DeviceLocalBytes}

	if o.profile {
		kt, err := n.Profile()
		if err != nil {
			return nil, err
		}
		rep.Profile = breakdown(a, o.batch, kt, steps[len(steps)-1])
	}

	infer, inferCPU, err := timed(progress, "infer", "batch", o, nil, func() (string, error) {
		_, err := n.Logits(all, o.batch)
		return "", err
	})
	if err != nil {
		return nil, err
	}
	rep.Infer = throughput(infer, inferCPU, o.batch, fwdFLOPs)
	rep.Model = Model{Params: a.ParamCount(), ForwardGFLOPPerImage: float64(a.FLOPs()) / 1e9}
	return rep, nil
}

// timed runs fn o.warmup times untimed then o.steps times timed, printing progress, and returns the
// wall and process CPU seconds of the timed runs.
func timed(progress io.Writer, kind, unit string, o options, reset func(), fn func() (note string, err error)) (wall, cpu []float64, err error) {
	for i := 0; i < o.warmup+o.steps; i++ {
		if i == o.warmup && reset != nil {
			reset()
		}
		start, c := time.Now(), cputime.Process()
		note, err := fn()
		if err != nil {
			return nil, nil, err
		}
		sec, cpuSec := time.Since(start).Seconds(), (cputime.Process() - c).Seconds()
		what := fmt.Sprintf("%s %d/%d", unit, i-o.warmup+1, o.steps)
		if i < o.warmup {
			what = fmt.Sprintf("warm-up %s %d/%d", unit, i+1, o.warmup)
		} else {
			wall, cpu = append(wall, sec), append(cpu, cpuSec)
		}
		fmt.Fprintf(progress, "  %s %s: %.2f s (%.2f s of CPU), %.1f img/s%s\n", kind, what, sec, cpuSec, float64(o.batch)/sec, note)
	}
	return wall, cpu, nil
}

// throughput summarises timed batches of batch images that each cost flops: wall seconds secs and
// process CPU seconds cpu.
func throughput(secs, cpu []float64, batch int, flops float64) Throughput {
	t := Throughput{StepsMs: make([]float64, len(secs)), MinMs: math.Inf(1)}
	var sum, sumCPU float64
	for i, s := range secs {
		t.StepsMs[i] = s * 1e3
		sum += s
		sumCPU += cpu[i]
		t.MinMs = min(t.MinMs, s*1e3)
	}
	mean, meanCPU := sum/float64(len(secs)), sumCPU/float64(len(secs))
	t.MeanMs = mean * 1e3
	t.ImgPerS = float64(batch) / mean
	t.GFLOPs = flops / mean / 1e9
	t.CPUMs = meanCPU * 1e3
	if meanCPU > 0 {
		t.ImgPerCPUS = float64(batch) / meanCPU
	}
	return t
}

// allocated sums the bytes in live buffers over the placement's devices.
func allocated(p train.Placement) int64 {
	var b int64
	for _, d := range p.Devices {
		b += d.Allocated()
	}
	return b
}
