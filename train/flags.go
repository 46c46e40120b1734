package train

import (
	"strconv"
	"strings"

	"github.com/spf13/pflag"
)

// RegisterFlags adds the training flags (the fields of c, with c's values as defaults) to fs, so
// every command that trains (train, viewer) takes the same flags with the same meaning.
func RegisterFlags(fs *pflag.FlagSet, c *Config) {
	fs.StringVar(&c.Data, "data", c.Data, "dataset: ImageFolder root, IDX (MNIST/Fashion-MNIST) dir or file, CIFAR-10 binary dir, or prep shards (default Fashion-MNIST)")
	fs.StringVar(&c.Format, "format", c.Format, "dataset format: imagefolder, idx, cifar10, shards (default: detect)")
	fs.StringVar(&c.Arch, "arch", c.Arch, "architecture: "+strings.Join(Names(), ", "))
	fs.IntVar(&c.Classes, "classes", c.Classes, "number of classes (default: the dataset's)")
	fs.IntVar(&c.Channels, "channels", c.Channels, "input channels, 1 or 3 (default: the dataset's)")
	fs.IntVar(&c.Resize, "resize", c.Resize, "resize images to N×N before cropping (e.g. 256 to train alexnet on 28 px images)")
	fs.IntVar(&c.Epochs, "epochs", c.Epochs, "epochs to train")
	fs.IntVar(&c.Steps, "steps", c.Steps, "stop after N SGD updates in all (0: no limit)")
	fs.IntVar(&c.Batch, "batch", c.Batch, "images per SGD step")
	fs.IntVar(&c.MicroBatch, "micro-batch", c.MicroBatch, "images per forward/backward pass (0: as many as fit; gradients accumulate)")
	fs.Float64Var(&c.LR, "lr", c.LR, "learning rate ε")
	fs.Float64Var(&c.Momentum, "momentum", c.Momentum, "momentum")
	fs.Float64Var(&c.WeightDecay, "weight-decay", c.WeightDecay, "weight decay (the paper's rule: v ← μv − wd·ε·w − ε·g)")
	fs.VarPF(notBool{&c.DecayBiases}, "no-bias-decay", "", "do not decay biases").NoOptDefVal = "true"
	fs.Float64Var(&c.Dropout, "dropout", c.Dropout, "dropout probability for every dropout layer (-1: the architecture's, 0.5)")
	fs.BoolVar(&c.NoAugment, "no-augment", c.NoAugment, "no random crops, flips or colour noise")
	fs.StringVar(&c.Schedule, "lr-schedule", c.Schedule, "paper (÷10 when test error stops improving, ≤3 times), step:E1,E2,…, linear (to 0 at the end) or const")
	fs.IntVar(&c.Patience, "patience", c.Patience, "paper schedule: evaluations without improvement before ÷10")
	fs.Uint64Var(&c.Seed, "seed", c.Seed, "seed of initialisation, data order, augmentation and dropout")
	fs.StringVar(&c.Out, "out", c.Out, "run directory (checkpoints, metrics.csv, PNGs)")
	fs.StringVar(&c.Resume, "resume", c.Resume, "continue from a checkpoint file or run directory")
	fs.StringVar(&c.Init, "init", c.Init, "start from weights (.safetensors with our or torchvision's names, or a torchvision .pth)")
	fs.IntVar(&c.EvalEvery, "eval-every", c.EvalEvery, "steps between evaluations (0: each epoch's end)")
	fs.IntVar(&c.EvalLimit, "eval-limit", c.EvalLimit, "evaluate on at most N test images (0: all)")
	fs.BoolVar(&c.TenCrop, "ten-crop", c.TenCrop, "evaluate with the paper's 10 crops (corners, centre, and their mirrors)")
	fs.IntVar(&c.VizEvery, "viz-every", c.VizEvery, "write filter/activation/curve PNGs every N steps (0: off)")
	fs.IntVar(&c.HistoryEvery, "history-every", c.HistoryEvery, "steps per row of the per-step log history.csv (0: every step, or as many as keep it under 10,000 rows)")
	fs.IntVar(&c.CheckpointEvery, "checkpoint-every", c.CheckpointEvery, "steps between extra checkpoints (0: at evaluations)")
	fs.IntVar(&c.Keep, "keep", c.Keep, "checkpoints to keep")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "text (progress bar) or json (one object per line)")
	fs.IntVar(&c.Workers, "workers", c.Workers, "data loader goroutines (0: one per core)")
	fs.BoolVar(&c.Quiet, "quiet", c.Quiet, "no progress bar")
}

// notBool is a boolean flag that stores its negation (--no-bias-decay sets DecayBiases to false).
type notBool struct{ p *bool }

func (b notBool) String() string {
	if b.p == nil {
		return "false"
	}
	return strconv.FormatBool(!*b.p)
}

func (b notBool) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err == nil {
		*b.p = !v
	}
	return err
}

func (b notBool) Type() string { return "bool" }
