// Command train trains and evaluates AlexNet on a Vulkan device (a GPU, or lavapipe without one).
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
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
  train --resume runs/20261127-150405           # continue an interrupted run exactly
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
	fs.StringVar(&c.Data, "data", c.Data, "dataset: ImageFolder root, IDX (MNIST/Fashion-MNIST) dir or file, CIFAR-10 binary dir, or prep shards (default Fashion-MNIST)")
	fs.StringVar(&c.Format, "format", c.Format, "dataset format: imagefolder, idx, cifar10, shards (default: detect)")
	fs.StringVar(&c.Arch, "arch", c.Arch, "architecture: "+strings.Join(train.Names(), ", "))
	fs.BoolVar(&summary, "summary", false, "print the architecture's shape table and exit")
	fs.IntVar(&c.Classes, "classes", 0, "number of classes (default: the dataset's)")
	fs.IntVar(&c.Channels, "channels", 0, "input channels, 1 or 3 (default: the dataset's)")
	fs.IntVar(&c.Resize, "resize", 0, "resize images to N×N before cropping (e.g. 256 to train alexnet on 28 px images)")
	fs.IntVar(&c.Epochs, "epochs", c.Epochs, "epochs to train")
	fs.IntVar(&c.Steps, "steps", 0, "stop after N SGD updates in all (0: no limit)")
	fs.IntVar(&c.Batch, "batch", c.Batch, "images per SGD step")
	fs.IntVar(&c.MicroBatch, "micro-batch", 0, "images per forward/backward pass (0: as many as fit; gradients accumulate)")
	fs.Float64Var(&c.LR, "lr", c.LR, "learning rate ε")
	fs.Float64Var(&c.Momentum, "momentum", c.Momentum, "momentum")
	fs.Float64Var(&c.WeightDecay, "weight-decay", c.WeightDecay, "weight decay (the paper's rule: v ← μv − wd·ε·w − ε·g)")
	nodecayBias := fs.Bool("no-bias-decay", false, "do not decay biases")
	fs.Float64Var(&c.Dropout, "dropout", c.Dropout, "dropout probability for every dropout layer (-1: the architecture's, 0.5)")
	fs.BoolVar(&c.NoAugment, "no-augment", false, "no random crops, flips or colour noise")
	fs.StringVar(&c.Schedule, "lr-schedule", c.Schedule, "paper (÷10 when test error stops improving, ≤3 times), step:E1,E2,… (÷10 at those epochs, fractions allowed), linear (falling to 0 over the run) or const")
	fs.IntVar(&c.Patience, "patience", c.Patience, "paper schedule: evaluations without improvement before ÷10")
	fs.Uint64Var(&c.Seed, "seed", c.Seed, "seed of initialisation, data order, augmentation and dropout")
	fs.StringVar(&c.Out, "out", c.Out, "run directory (checkpoints, metrics.csv, PNGs)")
	fs.StringVar(&c.Resume, "resume", "", "continue from a checkpoint file or run directory")
	fs.StringVar(&c.Init, "init", "", "start from weights (.safetensors with our or torchvision's names, or a torchvision .pth)")
	fs.IntVar(&c.EvalEvery, "eval-every", 0, "steps between evaluations (0: each epoch's end)")
	fs.IntVar(&c.EvalLimit, "eval-limit", 0, "evaluate on at most N test images (0: all)")
	fs.BoolVar(&c.TenCrop, "ten-crop", false, "evaluate with the paper's 10 crops (corners, centre, and their mirrors)")
	fs.IntVar(&c.VizEvery, "viz-every", 0, "write filter/activation/curve PNGs every N steps (0: off)")
	fs.IntVar(&c.HistoryEvery, "history-every", 0, "steps per row of the per-step log history.csv (0: every step, or as many as keep it under 10,000 rows)")
	fs.IntVar(&c.CheckpointEvery, "checkpoint-every", 0, "steps between extra checkpoints (0: at evaluations)")
	fs.IntVar(&c.Keep, "keep", c.Keep, "checkpoints to keep")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "text (progress bar) or json (one object per line)")
	fs.IntVar(&c.Workers, "workers", 0, "data loader goroutines (0: one per core)")
	fs.BoolVar(&c.Quiet, "quiet", false, "no progress bar")
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
	c.DecayBiases = !*nodecayBias
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
	if c.VizEvery > 0 {
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
		fmt.Fprintf(os.Stderr, "train: interrupted at step %d; checkpoint %s; continue with: train --resume %s\n", t.State.Step, t.LastCheckpoint(), c.Out)
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
	if t.Cfg.LogFormat == "json" {
		fmt.Printf(`{"done":true,"arch":%q,"step":%d,"val_top1":%.6f,"val_top5":%.6f,"val_loss":%.6f,"seconds":%.1f,"checkpoint":%q}`+"\n",
			t.Arch.Name, t.State.Step, m.ValTop1, m.ValTop5, m.ValLoss, took.Seconds(), t.LastCheckpoint())
	}
	fmt.Fprintln(os.Stderr, line)
	fmt.Fprintf(os.Stderr, "run directory %s: checkpoint %s, metrics %s\n", t.Cfg.Out, t.LastCheckpoint(), t.OutPath("metrics.csv"))
}
