package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers/vk"
	"github.com/alexnet-vk/alexnet/mpi"
	"github.com/alexnet-vk/alexnet/train"
	"github.com/spf13/pflag"
)

// Comm is what a training step spread over devices or ranks spends communicating, per step.
type Comm struct {
	Mode    string `json:"mode"`    // single, replicas (--devices), split (--split) or mpi (mpirun)
	Devices int    `json:"devices"` // devices of this process
	Ranks   int    `json:"ranks"`   // MPI ranks (1 without mpirun)
	// BytesPerStep crossing between devices or ranks: for replicas, every extra replica's gradient
	// slab to the host and back; for MPI, what a ring all-reduce of the slab sends per rank,
	// 2·(R−1)/R·slab; for the split, the activations and gradients a tower reads from another.
	BytesPerStep float64 `json:"bytes_per_step"`
	MsPerStep    float64 `json:"ms_per_step"` // wall time summing, reducing and exchanging
	StepMs       float64 `json:"step_ms"`     // wall time of the whole step, as measured with it
	SharePct     float64 `json:"share_pct"`   // MsPerStep of StepMs
	// AllreduceMs is, under MPI, one all-reduce of the gradient slab alone, after a barrier: the
	// transfer without the wait for the slowest rank that MsPerStep includes.
	AllreduceMs float64 `json:"allreduce_ms,omitempty"`
}

// bareAllreduce times all-reduces of floats zeros after a barrier and returns the fastest, in ms.
func bareAllreduce(c train.Comm, b interface{ Barrier() error }, floats, times int) (float64, error) {
	v := make([]float32, floats)
	best := 0.0
	for i := 0; i < times; i++ {
		if err := b.Barrier(); err != nil {
			return 0, err
		}
		start := time.Now()
		if err := c.SumF32(v); err != nil {
			return 0, err
		}
		if ms := time.Since(start).Seconds() * 1e3; i == 0 || ms < best {
			best = ms
		}
	}
	return best, nil
}

// spread holds the flags that spread bench's step over devices.
type spread struct {
	devices string
	split   int
}

func (s *spread) register(fs *pflag.FlagSet) {
	fs.StringVar(&s.devices, "devices", "", "comma-separated devices (indices or names; one may repeat): data-parallel replicas, or the towers of --split")
	fs.IntVar(&s.split, "split", 0, "the paper's model-parallel split over N devices (--devices, or --device opened N times)")
}

// mode names how the step is spread.
func (s spread) mode(ranks int) string {
	switch {
	case ranks > 1:
		return "mpi"
	case s.split > 1:
		return "split"
	case s.devices != "":
		return "replicas"
	}
	return "single"
}

// startMPI initialises MPI when mpirun started bench, and picks this rank's device: --device for
// every rank, else the machine's devices in turn by local rank. Ranks other than 0 print nothing.
func startMPI(o *options, stdout, stderr *io.Writer) (*mpi.Comm, error) {
	if !mpi.Launched() {
		return nil, nil
	}
	if o.spread.devices != "" || o.spread.split > 1 {
		return nil, fmt.Errorf("--devices and --split under mpirun: not supported (each rank takes one device)")
	}
	c, err := mpi.Init()
	if err != nil {
		return nil, err
	}
	if c.Rank() > 0 {
		*stdout, *stderr = io.Discard, io.Discard
	}
	if o.dev.Device == "" {
		infos, err := gpu.List()
		if err != nil {
			return c, err
		}
		o.dev.Device = strconv.Itoa(c.LocalRank() % len(infos))
	}
	return c, nil
}

// placeOn opens the devices besides d that --devices and --split name, and returns the placement
// and how to release what it opened.
func placeOn(d *gpu.Device, lib *vk.Lib, o options, comm *mpi.Comm) (train.Placement, func(), error) {
	p := train.Placement{Devices: []*gpu.Device{d}, Libs: []*vk.Lib{lib}}
	if comm != nil {
		p.Comm = comm
	}
	var sels []string
	if o.spread.devices != "" {
		sels = strings.Split(o.spread.devices, ",")
	}
	if o.spread.split > 1 {
		p.Split = o.spread.split
		switch {
		case len(sels) == 0:
			for range o.spread.split {
				sels = append(sels, o.dev.Device)
			}
		case len(sels) != o.spread.split:
			return p, func() {}, fmt.Errorf("--split %d needs %d devices, --devices lists %d", o.spread.split, o.spread.split, len(sels))
		}
	}
	var opened []*gpu.Device
	var libs []*vk.Lib
	release := func() {
		for _, l := range libs {
			l.Free()
		}
		for _, x := range opened {
			x.Close()
		}
	}
	for i := 1; i < len(sels); i++ { // the first is d
		opt := o.dev
		opt.Device, opt.AppName = strings.TrimSpace(sels[i]), fmt.Sprintf("alexnet-bench-%d", i)
		x, err := gpu.Open(opt)
		if err != nil {
			release()
			return p, func() {}, err
		}
		opened = append(opened, x)
		l, err := vk.New(x)
		if err != nil {
			release()
			return p, func() {}, err
		}
		libs = append(libs, l)
		p.Devices, p.Libs = append(p.Devices, x), append(p.Libs, l)
	}
	return p, release, nil
}

// commReport turns the net's communication statistics over the timed steps into the report's Comm.
func commReport(mode string, p train.Placement, c train.CommStats) Comm {
	r := Comm{Mode: mode, Devices: len(p.Devices), Ranks: 1}
	if p.Comm != nil {
		r.Ranks = p.Comm.Size()
	}
	if c.Steps > 0 {
		r.BytesPerStep = float64(c.Bytes) / float64(c.Steps)
		r.MsPerStep = c.Time.Seconds() * 1e3 / float64(c.Steps)
		r.StepMs = c.StepTime.Seconds() * 1e3 / float64(c.Steps)
		if r.StepMs > 0 {
			r.SharePct = 100 * r.MsPerStep / r.StepMs
		}
	}
	return r
}

// writeComm prints the communication line of the text report.
func (c Comm) writeText(w io.Writer) {
	where := fmt.Sprintf("%s on %d devices", c.Mode, c.Devices)
	switch {
	case c.Mode == "single":
		fmt.Fprintln(w, "comm     one device: nothing to communicate")
		return
	case c.Ranks > 1:
		where = fmt.Sprintf("mpi over %d ranks", c.Ranks)
	}
	fmt.Fprintf(w, "comm     %s: %s moved, %.2f ms per step = %.1f%% of the %.1f ms step\n",
		where, gpu.Bytes(int64(c.BytesPerStep)), c.MsPerStep, c.SharePct, c.StepMs)
	if c.AllreduceMs > 0 {
		fmt.Fprintf(w, "         (one all-reduce of the gradients alone, after a barrier: %.2f ms; the rest is waiting for the slowest rank)\n", c.AllreduceMs)
	}
}
