package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers/vk"
	"github.com/alexnet-vk/alexnet/mpi"
	"github.com/alexnet-vk/alexnet/train"
	"github.com/spf13/pflag"
)

// placementFlags are the flags that spread a run over several devices.
type placementFlags struct {
	devices string
	split   int
}

func (p *placementFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&p.devices, "devices", "", "comma-separated devices (indices or names, as bin/devices lists them; one may repeat): data-parallel replicas in this process, the towers of --split, or under mpirun the devices the ranks of a machine take in turn")
	fs.IntVar(&p.split, "split", 0, "the paper's model-parallel split: N towers, each on its own device (--devices, or --device opened N times)")
}

// placement is what run needs from the devices and ranks: the train.Placement, whether this process
// owns the run's files, and how to release everything.
type placement struct {
	train.Placement
	comm   *mpi.Comm
	devs   []*gpu.Device
	libs   []*vk.Lib
	log    io.Writer // where this rank's messages go (rank 0: stderr; others: nowhere)
	prefix string    // "train: " or "train: rank R: "
}

// root reports whether this process writes the run's files and messages.
func (p *placement) root() bool { return p.comm == nil || p.comm.Rank() == 0 }

// fail reports err and, under MPI, ends every rank (the others would wait for this one forever).
func (p *placement) fail(err error) int {
	fmt.Fprintln(os.Stderr, p.prefix+err.Error())
	if p.comm != nil && p.comm.Size() > 1 {
		p.comm.Abort(1)
	}
	return 1
}

// close releases the libraries and devices and finalises MPI.
func (p *placement) close() {
	for _, l := range p.libs {
		l.Free()
	}
	for _, d := range p.devs {
		d.Close()
	}
	if p.comm != nil {
		p.comm.Finalize()
	}
}

// openPlacement starts MPI when mpirun launched this process, then opens the devices: one (as
// always), the --devices list, or --split copies of --device. Under MPI each rank opens one device:
// --device for every rank, or the rank's turn in --devices (by its rank on its machine), or by
// default the machine's devices in turn.
func openPlacement(pf placementFlags, opt gpu.Options) (*placement, error) {
	p := &placement{log: os.Stderr, prefix: "train: "}
	if pf.split < 0 || pf.split == 1 {
		return p, fmt.Errorf("--split %d: want 2 or more towers (0: no split)", pf.split)
	}
	var list []string
	if pf.devices != "" {
		for _, s := range strings.Split(pf.devices, ",") {
			if s = strings.TrimSpace(s); s == "" {
				return p, fmt.Errorf("--devices %q: an empty entry", pf.devices)
			}
			list = append(list, s)
		}
		if opt.Device != "" {
			return p, fmt.Errorf("--device and --devices: give one of them")
		}
	}
	if mpi.Launched() {
		c, err := mpi.Init()
		if err != nil {
			return p, err
		}
		p.comm, p.Comm = c, c
		if c.Rank() > 0 {
			p.log, p.prefix = io.Discard, fmt.Sprintf("train: rank %d: ", c.Rank())
		}
		if pf.split > 1 {
			return p, fmt.Errorf("--split under mpirun: not supported (train the split in one process, or data-parallel ranks without it)")
		}
		switch {
		case len(list) > 0:
			list = []string{list[c.LocalRank()%len(list)]}
		case opt.Device == "":
			infos, err := gpu.List()
			if err != nil {
				return p, err
			}
			list = []string{strconv.Itoa(c.LocalRank() % len(infos))}
		}
	}
	if pf.split > 1 {
		switch {
		case len(list) == 0:
			for range pf.split {
				list = append(list, opt.Device)
			}
		case len(list) != pf.split:
			return p, fmt.Errorf("--split %d needs %d devices, --devices lists %d", pf.split, pf.split, len(list))
		}
		p.Split = pf.split
	}
	if len(list) == 0 {
		list = []string{opt.Device}
	}
	for i, sel := range list {
		o := opt
		o.Device = sel
		if len(list) > 1 {
			o.AppName = fmt.Sprintf("alexnet-%d", i)
		}
		d, err := gpu.Open(o)
		if err != nil {
			return p, err
		}
		p.devs = append(p.devs, d)
		l, err := vk.New(d)
		if err != nil {
			return p, err
		}
		p.libs = append(p.libs, l)
	}
	p.Devices, p.Libs = p.devs, p.libs
	return p, nil
}

// describe is the line saying where training runs.
func (p *placement) describe() string {
	var b strings.Builder
	switch {
	case p.comm != nil:
		fmt.Fprintf(&b, "MPI rank 0 of %d on ", p.comm.Size())
	case p.Split > 1:
		fmt.Fprintf(&b, "%d towers of the split on ", p.Split)
	case len(p.devs) > 1:
		fmt.Fprintf(&b, "%d data-parallel replicas on ", len(p.devs))
	}
	for i, d := range p.devs {
		if i > 0 {
			b.WriteString(" + ")
		}
		b.WriteString(d.Info.String())
	}
	return b.String()
}

// stopSignals are the signals that end training after the step in flight, with a checkpoint:
// SIGINT and SIGTERM, and under mpirun also SIGCONT. Open MPI's mpirun answers Ctrl-C by sending
// the ranks SIGCONT at once, SIGTERM odls_base_sigkill_timeout seconds later (default 1) and SIGKILL
// as long again after that: the SIGCONT is the ranks' first word of it, and their whole time to
// agree on the last step and write the checkpoint is twice that timeout.
func (p *placement) stopSignals() []os.Signal {
	sigs := []os.Signal{os.Interrupt, syscall.SIGTERM}
	if p.comm != nil {
		sigs = append(sigs, syscall.SIGCONT)
	}
	return sigs
}

// sigkillNote says, under mpirun started without odls_base_sigkill_timeout, how long the ranks have
// after Ctrl-C, and how to give them longer.
func sigkillNote() string {
	if os.Getenv("OMPI_MCA_odls_base_sigkill_timeout") != "" {
		return ""
	}
	return "note: after Ctrl-C, mpirun kills the ranks within 2 s (its default); if a step and a checkpoint take longer, run mpirun with --mca odls_base_sigkill_timeout N (the ranks then have 2N s)"
}
