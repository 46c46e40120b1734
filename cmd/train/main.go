// Command train trains and evaluates AlexNet on a Vulkan device (a GPU, or lavapipe without one).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/signal"
	"time"

	"github.com/alexnet-vk/alexnet/data"
	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/train"
	"github.com/spf13/pflag"
)

const usage = `Usage: train [flags]

Trains AlexNet on a Vulkan device. With no flags: alexnet-small on Fashion-MNIST
(/usr/share/datasets/fashion-mnist), 2 epochs, into a new run directory runs/<start time>.

Examples:
  train                                         # the default run (what make demo does)
  train --arch alexnet --summary                # print the paper network's shape table
  train --data ~/imagenet-shards --arch alexnet --epochs 90 --ten-crop
  train --data ~/cifar-10-batches-bin --epochs 30 --lr-schedule step:15,25
  train --resume runs/20261127-150405           # continue an interrupted run, in its directory, with its settings
  train --resume runs/20261127-150405 --steps 5000   # ... and run it longer (a line says what changed)
  train --data ~/photos --holdout 0.2           # a folder of <class>/ folders: hold out 20 % to evaluate on
  train --init alexnet-owt.pth --arch alexnet-tv --data ~/imagenet --steps 0 --epochs 1
  train --viz-every 50                          # PNG snapshots of filters/activations/curves
  train --devices 0,1 --batch 256               # data-parallel over two devices of this machine
  train --arch alexnet --split 2 --devices 0,1  # the paper's split: one tower per device
  mpirun -np 4 train --batch 512                # data-parallel over 4 processes (Open MPI)

Flags:
`

func main() { os.Exit(run()) }

func run() int {
	c := train.Defaults()
	var dev gpu.Options
	var summary bool
	fs := pflag.NewFlagSet("train", pflag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(os.Stderr, usage); fs.PrintDefaults() }
	train.RegisterFlags(fs, &c)
	fs.BoolVar(&summary, "summary", false, "print the architecture's shape table and exit")
	dev.RegisterFlags(fs)
	var pf placementFlags
	pf.register(fs)
	if err := fs.Parse(os.Args[1:]); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(os.Stderr, "train:", err)
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "train: unexpected argument %q (flags only; see --help)\n", fs.Arg(0))
		return 2
	}
	if summary {
		return printSummary(c)
	}
	pl, err := openPlacement(pf, dev)
	defer pl.close()
	if err != nil {
		return pl.fail(err)
	}
	fmt.Fprintf(pl.log, "device: %s\n", pl.describe())
	if !pl.root() { // rank 0 alone writes files, the progress bar and messages
		c.Quiet, c.VizEvery, c.LogFormat = true, 0, "text"
		c.Override("viz-every") // also over a configuration --resume restores
	} else if pl.comm != nil {
		if note := sigkillNote(); note != "" {
			fmt.Fprintln(os.Stderr, "train:", note)
		}
	}
	t, err := train.NewTrainerOn(pl.Placement, c)
	if err != nil {
		return pl.fail(err)
	}
	defer t.Close()
	if !pl.root() {
		t.Hooks.Log = func(string, ...any) {}
	}
	if t.Cfg.VizEvery > 0 { // as --resume restored it
		t.Hooks.Viz = train.WriteSnapshots
	}
	ctx, stop := signal.NotifyContext(context.Background(), pl.stopSignals()...)
	defer stop()
	start := time.Now()
	err = t.Run(ctx)
	switch {
	case errors.Is(err, train.ErrInterrupted):
		if !pl.root() { // one line per rank: they all stopped after the same step
			fmt.Fprintf(os.Stderr, "%sstopped at step %d with the others\n", pl.prefix, t.State.Step)
			return 0
		}
		fmt.Fprintf(os.Stderr, "train: interrupted at step %d; checkpoint %s; continue with: train --resume %s\n", t.State.Step, t.LastCheckpoint(), t.Cfg.Out)
		return 0
	case err != nil:
		return pl.fail(err)
	}
	if pl.root() {
		printFinal(t, time.Since(start))
	}
	return 0
}

func printSummary(c train.Config) int {
	classes, channels, size := c.Classes, c.Channels, c.Resize
	if classes == 0 || channels == 0 {
		ds, err := data.Open(c.Data, data.OpenOptions{})
		if err != nil {
			fmt.Fprintln(os.Stderr, "train:", err)
			return 1
		}
		if classes == 0 {
			classes = len(ds.Classes)
		}
		if channels == 0 {
			channels = ds.Channels
		}
		if size == 0 {
			size = min(ds.Height, ds.Width)
		}
		ds.Close()
	}
	a, err := train.Get(c.Arch, classes, channels, size)
	if err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		return 1
	}
	fmt.Print(a.Summary())
	return 0
}

func printFinal(t *train.Trainer, took time.Duration) {
	if len(t.Metrics) == 0 {
		return
	}
	m := t.Metrics[len(t.Metrics)-1]
	line := fmt.Sprintf("done: %s, %d steps (%.2f epochs) in %s; test top-1 %.2f%%, top-5 %.2f%%, loss %.4f on %d images",
		t.Arch.Name, t.State.Step, m.Epoch, took.Round(time.Second), 100*m.ValTop1, 100*m.ValTop5, m.ValLoss, m.ValImages)
	if math.IsNaN(m.ValLoss) {
		line = fmt.Sprintf("done: %s, %d steps (%.2f epochs) in %s; not evaluated (no test split); training loss %.4f, top-1 %.2f%%",
			t.Arch.Name, t.State.Step, m.Epoch, took.Round(time.Second), m.TrainLoss, 100*m.TrainTop1)
	}
	if t.Cfg.LogFormat == "json" {
		num := func(v float64) any { // null where nothing was evaluated
			if math.IsNaN(v) {
				return nil
			}
			return v
		}
		js, _ := json.Marshal(map[string]any{"done": true, "arch": t.Arch.Name, "step": t.State.Step, "val_top1": num(m.ValTop1),
			"val_top5": num(m.ValTop5), "val_loss": num(m.ValLoss), "seconds": math.Round(took.Seconds()*10) / 10, "checkpoint": t.LastCheckpoint()})
		fmt.Println(string(js))
	}
	fmt.Fprintln(os.Stderr, line)
	fmt.Fprintf(os.Stderr, "run directory %s: checkpoint %s, metrics %s\n", t.Cfg.Out, t.LastCheckpoint(), t.OutPath("metrics.csv"))
}
