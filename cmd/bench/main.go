// Command bench measures AlexNet training and inference on a Vulkan device: per-kernel device times
// from timestamp queries, GFLOP/s of the convolutions and fully connected layers, end-to-end images
// per second and device memory, as a table or as JSON that runs can be compared by.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers/vk"
	"github.com/alexnet-vk/alexnet/mpi"
	"github.com/alexnet-vk/alexnet/train"
	"github.com/spf13/pflag"
)

const usage = `Usage: bench [flags]

Times training steps (TrainStep) and inference (Logits) of an AlexNet on synthetic batches, with
per-kernel device times from Vulkan timestamp queries. With no flags: alexnet-tv, 224×224, batch 128,
1 warm-up step then 2 timed steps (tens of seconds per step on lavapipe).

Examples:
  bench                                       # alexnet-tv at batch 128 on the default device
  bench --arch alexnet-small --batch 128 --steps 5
  bench --arch alexnet --steps 1 --json       # the paper net: memory in use, JSON for comparisons
  bench --device 1 --validate --steps 1       # another device, with the validation layer
  bench --vector-width 256                    # lavapipe at 256-bit vectors on an AVX-512 CPU
  bench --arch alexnet-small --devices 0,1    # the communication of data-parallel replicas
  bench --arch alexnet --split 2 --batch 8    # the towers' exchanges, bytes and time per step
  mpirun -np 2 bench --arch alexnet-small     # MPI ranks: the all-reduce and the wait for the slowest
  scripts/bench_compare.sh                    # side by side with PyTorch on the same machine

Flags:
`

// options are bench's flags.
type options struct {
	dev      gpu.Options
	arch     string
	batch    int
	micro    int
	size     int
	classes  int
	channels int
	steps    int
	warmup   int
	profile  bool
	json     bool
	seed     uint64
	spread   spread
}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// openDevice opens the Vulkan device; tests replace it with their shared validated device.
var openDevice = func(o gpu.Options) (*gpu.Device, func(), error) {
	d, err := gpu.Open(o)
	if err != nil {
		return nil, nil, err
	}
	return d, d.Close, nil
}

// run parses args, measures and writes the report to stdout (progress to stderr); it returns the
// exit code: 0 done, 1 failed, 2 bad flags.
func run(args []string, stdout, stderr io.Writer) int {
	o := options{arch: "alexnet-tv", batch: 128, steps: 2, warmup: 1, profile: true, seed: 1}
	fs := pflag.NewFlagSet("bench", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	fs.StringVar(&o.arch, "arch", o.arch, "architecture: "+strings.Join(train.Names(), ", "))
	fs.IntVar(&o.batch, "batch", o.batch, "images per training step and per inference call")
	fs.IntVar(&o.micro, "micro-batch", 0, "images per forward/backward pass (0: as many as fit in 4 GiB)")
	fs.IntVar(&o.size, "size", 0, "input size (alexnet-small only; default 28; alexnet is 227, alexnet-tv 224)")
	fs.IntVar(&o.classes, "classes", 0, "classes (default: 1000 for alexnet and alexnet-tv, 10 for alexnet-small)")
	fs.IntVar(&o.channels, "channels", 0, "input channels, 1 or 3 (default: 3, or 1 for alexnet-small)")
	fs.IntVar(&o.steps, "steps", o.steps, "timed training steps and inference batches, after the warm-up")
	fs.IntVar(&o.warmup, "warmup", o.warmup, "untimed steps first (pipelines compile, caches fill)")
	fs.BoolVar(&o.profile, "profile", o.profile, "per-kernel device times (timestamp after every command; --profile=false times the step alone)")
	fs.BoolVar(&o.json, "json", false, "print the report as JSON instead of tables")
	fs.Uint64Var(&o.seed, "seed", o.seed, "seed of the weights, data and dropout")
	o.dev.RegisterFlags(fs)
	o.spread.register(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "bench:", err)
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "bench: unexpected argument %q (flags only; see --help)\n", fs.Arg(0))
		return 2
	}
	arch, err := o.resolve()
	if err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return 2
	}
	o.dev.AppName = "alexnet-bench"
	comm, err := startMPI(&o, &stdout, &stderr)
	if comm != nil {
		defer comm.Finalize()
	}
	if err != nil {
		return fail(comm, stderr, err)
	}
	d, closeDev, err := openDevice(o.dev)
	if err != nil {
		return fail(comm, stderr, err)
	}
	defer closeDev()
	for _, note := range []string{gpu.LavapipeNote(), gpu.LavapipeThreadsNote()} {
		if note != "" {
			fmt.Fprintln(stderr, "bench:", note)
		}
	}
	fmt.Fprintf(stderr, "device: %s\n", d.Info)
	lib, err := vk.New(d)
	if err != nil {
		return fail(comm, stderr, err)
	}
	defer lib.Free()
	p, release, err := placeOn(d, lib, o, comm)
	defer release()
	if err != nil {
		return fail(comm, stderr, err)
	}
	ranks := 1
	if comm != nil {
		ranks = comm.Size()
	}
	rep, err := measure(p, o.spread.mode(ranks), arch, o, stderr)
	if err != nil {
		return fail(comm, stderr, err)
	}
	rep.Settings.VectorWidthNote = gpu.LavapipeNote()
	rep.Settings.ThreadsNote = gpu.LavapipeThreadsNote()
	rep.Settings.Validation = d.Validating()
	if o.dev.Validation {
		if msgs := d.Messages(); len(msgs) > 0 {
			for _, m := range msgs {
				fmt.Fprintln(stderr, "validation:", m)
			}
			fmt.Fprintf(stderr, "bench: the validation layer reported %d messages (above)\n", len(msgs))
			return 1
		}
	}
	if o.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintln(stderr, "bench:", err)
			return 1
		}
		return 0
	}
	rep.WriteText(stdout)
	return 0
}

// fail reports err and returns bench's failure code; under MPI it ends every rank, since the others
// would wait for this one forever.
func fail(comm *mpi.Comm, stderr io.Writer, err error) int {
	fmt.Fprintln(stderr, "bench:", err)
	if comm != nil && comm.Size() > 1 {
		comm.Abort(1)
	}
	return 1
}

// resolve checks the flags and builds the architecture with the per-arch defaults filled in.
func (o *options) resolve() (train.Arch, error) {
	switch {
	case o.batch < 1:
		return train.Arch{}, fmt.Errorf("--batch %d: need at least 1", o.batch)
	case o.steps < 1:
		return train.Arch{}, fmt.Errorf("--steps %d: need at least 1 timed step", o.steps)
	case o.warmup < 0:
		return train.Arch{}, fmt.Errorf("--warmup %d: need >= 0", o.warmup)
	case o.micro < 0 || (o.micro > 0 && o.batch%o.micro != 0):
		return train.Arch{}, fmt.Errorf("--micro-batch %d: need 0 (automatic) or a divisor of --batch %d", o.micro, o.batch)
	case o.size < 0:
		return train.Arch{}, fmt.Errorf("--size %d: need a positive size (or 0 for the default)", o.size)
	}
	small := o.arch == "alexnet-small"
	if o.size > 0 && !small {
		return train.Arch{}, fmt.Errorf("--size %d: only alexnet-small takes a size (alexnet is 227×227, alexnet-tv 224×224)", o.size)
	}
	if o.classes == 0 {
		o.classes = 1000
		if small {
			o.classes = 10
		}
	}
	if o.channels == 0 {
		o.channels = 3
		if small {
			o.channels = 1
		}
	}
	return train.Get(o.arch, o.classes, o.channels, o.size)
}
