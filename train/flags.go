package train

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/alexnet-vk/alexnet/data"
	"github.com/spf13/pflag"
)

// flagDef is one training flag: its name and help, the Config field it sets (as a checking
// flag.Value bound to a Config), and whether a checkpoint records it. The registry below is the one
// source of a run's settings: both commands that train register it, checkpoints record it, --resume
// restores it and Config.validate checks it.
type flagDef struct {
	name, help string
	value      func(c *Config) pflag.Value
	// notRecorded says why the flag is not part of a run's recorded configuration ("" = recorded):
	// only settings of the machine or the terminal, and those --resume itself decides.
	notRecorded string
	boolean     bool
}

// Bounds of the count flags: beyond these a value is a typo, and would exhaust memory or time.
const (
	maxWorkers = 1024
	maxResize  = 4096
	maxClasses = 100_000 // ImageNet-21k has 21,841
)

// flagDefs is the registry of training flags, in --help order.
var flagDefs = []flagDef{
	{name: "data", help: "dataset: ImageFolder root, IDX (MNIST/Fashion-MNIST) dir or file, CIFAR-10 binary dir, or prep shards (default Fashion-MNIST)",
		value: func(c *Config) pflag.Value { return stringValue{p: &c.Data} }},
	{name: "format", help: "dataset format: imagefolder, idx, cifar10, shards (default: detect)",
		value: func(c *Config) pflag.Value { return stringValue{&c.Format, checkFormat} }},
	{name: "holdout", help: "fraction of the training images held out for evaluation when the dataset has no test split (0: train without evaluation)",
		value: func(c *Config) pflag.Value { return floatValue{&c.HoldOut, between(0, 1)} }},
	{name: "arch", help: "architecture: " + strings.Join(Names(), ", "),
		value: func(c *Config) pflag.Value { return stringValue{&c.Arch, checkArch} }},
	{name: "classes", help: "number of classes (0: the dataset's)",
		value: func(c *Config) pflag.Value { return intValue{&c.Classes, 0, maxClasses, "classes"} }},
	{name: "channels", help: "input channels, 1 or 3 (0: the dataset's)",
		value: func(c *Config) pflag.Value { return stringInt{intValue{&c.Channels, 0, 3, "channels"}, []int{0, 1, 3}} }},
	{name: "resize", help: "resize images to N×N before cropping (e.g. 256 to train alexnet on 28 px images; 0: native size)",
		value: func(c *Config) pflag.Value { return intValue{&c.Resize, 0, maxResize, "pixels"} }},
	{name: "epochs", help: "epochs to train (given alone: --steps is off; with --steps: whichever ends first)",
		value: func(c *Config) pflag.Value { return intValue{&c.Epochs, 0, math.MaxInt, "epochs"} }},
	{name: "steps", help: "SGD updates to make in all (given alone: --epochs is off; 0: no limit)",
		value: func(c *Config) pflag.Value { return intValue{&c.Steps, 0, math.MaxInt, "steps"} }},
	{name: "batch", help: "images per SGD step",
		value: func(c *Config) pflag.Value { return intValue{&c.Batch, 1, math.MaxInt32, "images"} }},
	{name: "micro-batch", help: "images per forward/backward pass (0: as many as fit; gradients accumulate)",
		value: func(c *Config) pflag.Value { return intValue{&c.MicroBatch, 0, math.MaxInt32, "images"} }},
	{name: "lr", help: "learning rate ε",
		value: func(c *Config) pflag.Value { return floatValue{&c.LR, positive} }},
	{name: "momentum", help: "momentum μ (0 <= μ < 1)",
		value: func(c *Config) pflag.Value { return floatValue{&c.Momentum, between(0, 1)} }},
	{name: "weight-decay", help: "weight decay (the paper's rule: v ← μv − wd·ε·w − ε·g)",
		value: func(c *Config) pflag.Value { return floatValue{&c.WeightDecay, nonNegative} }},
	{name: "no-bias-decay", help: "do not decay biases", boolean: true,
		value: func(c *Config) pflag.Value { return boolValue{&c.DecayBiases, true} }},
	{name: "dropout", help: "dropout probability for every dropout layer (-1: the architecture's, 0.5)",
		value: func(c *Config) pflag.Value { return floatValue{&c.Dropout, dropoutCheck} }},
	{name: "no-augment", help: "centre crops only: no random crops, flips or colour noise", boolean: true,
		value: func(c *Config) pflag.Value { return boolValue{p: &c.NoAugment} }},
	{name: "lr-schedule", help: "paper (÷10 when test error stops improving, ≤3 times), step:E1,E2,… (÷10 at those epochs, fractions allowed), linear (falling to 0 over the run) or const",
		value: func(c *Config) pflag.Value {
			return stringValue{&c.Schedule, func(s string) error { _, err := parseSchedule(s); return err }}
		}},
	{name: "patience", help: "paper schedule: evaluations without improvement before ÷10",
		value: func(c *Config) pflag.Value { return intValue{&c.Patience, 1, math.MaxInt, "evaluations"} }},
	{name: "seed", help: "seed of initialisation, data order, augmentation and dropout",
		value: func(c *Config) pflag.Value { return uint64Value{&c.Seed} }},
	{name: "out", help: "run directory (checkpoints, metrics.csv, PNGs; with --resume: the resumed run's)",
		value:       func(c *Config) pflag.Value { return stringValue{&c.Out, nonEmpty} },
		notRecorded: "the run directory is where the checkpoint is found: --resume DIR continues in DIR"},
	{name: "resume", help: "continue the run in this directory (or from this checkpoint file) with its recorded settings; flags given override them",
		value:       func(c *Config) pflag.Value { return stringValue{p: &c.Resume} },
		notRecorded: "names the checkpoint itself"},
	{name: "init", help: "start from weights (.safetensors with our or torchvision's names, or a torchvision .pth)",
		value:       func(c *Config) pflag.Value { return stringValue{p: &c.Init} },
		notRecorded: "only the start of a run reads it; a resumed run continues from its checkpoint's weights"},
	{name: "eval-every", help: "steps between evaluations (0: each epoch's end)",
		value: func(c *Config) pflag.Value { return intValue{&c.EvalEvery, 0, math.MaxInt, "steps"} }},
	{name: "eval-limit", help: "evaluate on at most N test images (0: all)",
		value: func(c *Config) pflag.Value { return intValue{&c.EvalLimit, 0, math.MaxInt, "images"} }},
	{name: "ten-crop", help: "evaluate with the paper's 10 crops (corners, centre, and their mirrors)", boolean: true,
		value: func(c *Config) pflag.Value { return boolValue{p: &c.TenCrop} }},
	{name: "viz-every", help: "write filter/activation/curve PNGs every N steps (0: off)",
		value: func(c *Config) pflag.Value { return intValue{&c.VizEvery, 0, math.MaxInt, "steps"} }},
	{name: "history-every", help: "steps per row of the per-step log history.csv (0: every step, or as many as keep it under 10,000 rows)",
		value: func(c *Config) pflag.Value { return intValue{&c.HistoryEvery, 0, math.MaxInt, "steps"} }},
	{name: "checkpoint-every", help: "steps between extra checkpoints (0: at evaluations)",
		value: func(c *Config) pflag.Value { return intValue{&c.CheckpointEvery, 0, math.MaxInt, "steps"} }},
	{name: "keep", help: "checkpoints of this run to keep",
		value: func(c *Config) pflag.Value { return intValue{&c.Keep, 1, math.MaxInt, "checkpoints"} }},
	{name: "log-format", help: "text (progress bar) or json (one object per line)",
		value:       func(c *Config) pflag.Value { return stringValue{&c.LogFormat, checkLogFormat} },
		notRecorded: "how this terminal shows progress, not what the run computes"},
	{name: "workers", help: "data loader goroutines (0: one per core)",
		value:       func(c *Config) pflag.Value { return intValue{&c.Workers, 0, maxWorkers, "goroutines"} },
		notRecorded: "a setting of the machine (the data are the same for any count)"},
	{name: "quiet", help: "no progress bar", boolean: true,
		value:       func(c *Config) pflag.Value { return boolValue{p: &c.Quiet} },
		notRecorded: "how this terminal shows progress, not what the run computes"},
}

// stringInt is an intValue restricted to a set of values.
type stringInt struct {
	intValue
	allowed []int
}

func (v stringInt) Set(s string) error {
	old := *v.p
	if err := v.intValue.Set(s); err != nil {
		return err
	}
	if !slices.Contains(v.allowed, *v.p) {
		bad := *v.p
		*v.p = old
		return fmt.Errorf("%d: need one of %v", bad, v.allowed)
	}
	return nil
}

func checkFormat(s string) error {
	if s == "" {
		return nil
	}
	_, err := data.ParseFormat(s)
	return err
}

func checkArch(s string) error {
	if _, ok := builders[s]; !ok {
		return fmt.Errorf("unknown architecture %q (known: %s)", s, strings.Join(Names(), ", "))
	}
	return nil
}

func checkLogFormat(s string) error {
	if s != "text" && s != "json" {
		return fmt.Errorf("%q: want text or json", s)
	}
	return nil
}

func nonEmpty(s string) error {
	if s == "" {
		return fmt.Errorf("empty: need a directory")
	}
	return nil
}

// RegisterFlags adds the training flags (the fields of c, with c's values as defaults) to fs, so
// every command that trains (train, viewer) takes the same flags with the same meaning and checks.
// Each flag the command line sets is also noted in c.Given: on --resume those override the
// configuration recorded in the checkpoint, and the others are restored from it.
func RegisterFlags(fs *pflag.FlagSet, c *Config) {
	for _, d := range flagDefs {
		f := fs.VarPF(givenValue{d.value(c), c, d.name}, d.name, "", d.help)
		if d.boolean {
			f.NoOptDefVal = "true"
		}
	}
}

// givenValue notes in c.Given that its flag was set.
type givenValue struct {
	pflag.Value
	c    *Config
	name string
}

func (v givenValue) Set(s string) error {
	if err := v.Value.Set(s); err != nil {
		return err
	}
	v.c.Override(v.name)
	return nil
}

// Override marks flags as set explicitly (as RegisterFlags does for the command line): on --resume
// their values in c replace those the checkpoint recorded.
func (c *Config) Override(names ...string) {
	if c.Given == nil {
		c.Given = map[string]bool{}
	}
	for _, n := range names {
		if _, ok := lookupFlag(n); !ok {
			panic("train: Override of unknown flag --" + n)
		}
		c.Given[n] = true
	}
}

func lookupFlag(name string) (flagDef, bool) {
	for _, d := range flagDefs {
		if d.name == name {
			return d, true
		}
	}
	return flagDef{}, false
}

// Recorded returns c's recorded configuration: every recorded flag's value as its flag spells it.
func (c *Config) Recorded() map[string]string {
	m := map[string]string{}
	for _, d := range flagDefs {
		if d.notRecorded == "" {
			m[d.name] = d.value(c).String()
		}
	}
	return m
}

// checkFlags checks every flag's value in c as the command line would.
func (c *Config) checkFlags() error {
	for _, d := range flagDefs {
		v := d.value(c)
		if err := v.Set(v.String()); err != nil {
			return fmt.Errorf("--%s: %v", d.name, err)
		}
	}
	return nil
}
