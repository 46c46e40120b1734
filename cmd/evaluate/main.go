// Command evaluate measures a checkpoint on a dataset's test split: top-1 and top-5 (one centre
// crop, or the paper's 10 crops), and the files that explain the errors, as training writes them
// at each evaluation.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers/vk"
	"github.com/alexnet-vk/alexnet/train"
	"github.com/spf13/pflag"
)

const usage = `Usage: evaluate --weights FILE [flags]

Evaluates weights on a dataset's test split and prints top-1 and top-5 accuracy and the mean
loss. Writes into --out what training writes at each evaluation: confusion.csv and confusion.png
(rows: true classes, columns: predictions), per-class.csv (each class's accuracy and the class it
is most often taken for), mistakes.png (the most confidently misclassified test images, with their
true and predicted labels) and report.html (all of it on one self-contained page). --samples N
also exports N test images as PNGs (named <index>-<true class>.png) for bin/classify.

Weights: a cmd/train checkpoint (its architecture, dataset and input normalisation come with it),
or a .safetensors/.pth weights file with --arch and --data.

Examples:
  evaluate --weights runs/demo/checkpoint-00005625.safetensors
  evaluate --weights runs/demo/checkpoint-00005625.safetensors --ten-crop --out /tmp/eval
  evaluate --weights runs/demo/checkpoint-00005625.safetensors --samples 8 --limit 1000
  evaluate --weights alexnet-owt-7be5be79.pth --arch alexnet-tv --data ~/imagenet-val --resize 256

Flags:
`

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// options are the parsed command line.
type options struct {
	weights, data, format, arch, out string
	resize, limit, batch, samples    int
	workers                          int
	tenCrop, json                    bool
	dev                              gpu.Options
}

func parseArgs(args []string, stderr io.Writer) (o options, code int) {
	fs := pflag.NewFlagSet("evaluate", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	fs.StringVar(&o.weights, "weights", "", "a cmd/train checkpoint, or weights (.safetensors, torchvision .pth) with --arch (required)")
	fs.StringVar(&o.data, "data", "", "dataset whose test split to evaluate on (default: the checkpoint's, else Fashion-MNIST)")
	fs.StringVar(&o.format, "format", "", "dataset format: imagefolder, idx, cifar10, shards (default: detect)")
	fs.StringVar(&o.arch, "arch", "", "architecture: "+strings.Join(train.Names(), ", ")+" (default: the checkpoint's)")
	fs.IntVar(&o.resize, "resize", 0, "resize images to N×N before cropping, as the run was trained (0: native size)")
	fs.BoolVar(&o.tenCrop, "ten-crop", false, "average the softmax of the paper's 10 crops (corners, centre and their mirrors)")
	fs.IntVar(&o.limit, "limit", 0, "evaluate at most N test images (0: all)")
	fs.IntVar(&o.batch, "batch", 64, "images per pass through the device")
	fs.StringVar(&o.out, "out", "", "directory for the files (default: eval-<step> beside a run's checkpoint, else runs/eval-<time>)")
	fs.IntVar(&o.samples, "samples", 0, "also write N test images as PNGs into <out>/samples, for bin/classify")
	fs.IntVar(&o.workers, "workers", 0, "data loader goroutines (0: one per core)")
	fs.BoolVar(&o.json, "json", false, `print the result as one JSON object on stdout`)
	o.dev.RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return o, 0
		}
		fmt.Fprintln(stderr, "evaluate:", err)
		return o, 2
	}
	switch {
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "evaluate: unexpected argument %q (flags only; see --help)\n", fs.Arg(0))
		return o, 2
	case o.weights == "":
		fmt.Fprintln(stderr, "evaluate: --weights FILE is required (a cmd/train checkpoint, or weights with --arch); see --help")
		return o, 2
	case o.limit < 0 || o.batch < 1 || o.samples < 0 || o.resize < 0:
		fmt.Fprintf(stderr, "evaluate: --limit %d, --batch %d, --samples %d, --resize %d: need ≥ 0 (--batch ≥ 1)\n", o.limit, o.batch, o.samples, o.resize)
		return o, 2
	}
	return o, -1
}

func run(args []string, stdout, stderr io.Writer) int {
	o, code := parseArgs(args, stderr)
	if code >= 0 {
		return code
	}
	c, err := prepare(&o)
	if err != nil {
		fmt.Fprintln(stderr, "evaluate:", err)
		return 1
	}
	d, err := gpu.Open(o.dev)
	if err != nil {
		fmt.Fprintln(stderr, "evaluate:", err)
		return 1
	}
	defer d.Close()
	lib, err := vk.New(d)
	if err != nil {
		fmt.Fprintln(stderr, "evaluate:", err)
		return 1
	}
	defer lib.Free()
	return runOn(d, lib, c, o, stdout, stderr)
}

// prepare reads the weights file (before any device work) and returns the configuration that
// loads it as the net it was, with --out settled and created.
func prepare(o *options) (train.Config, error) {
	ck, err := train.LoadCheckpoint(o.weights)
	if err != nil {
		return train.Config{}, err
	}
	c := train.Defaults()
	c.Data, c.Format, c.Resize, c.Batch, c.Workers, c.Quiet = o.data, o.format, o.resize, o.batch, o.workers, true
	if st := ck.State; st != nil {
		c.Resume, c.Arch = o.weights, st.Arch
		if c.Data == "" {
			c.Data = st.Data
		}
	} else {
		c.Init, c.Arch = o.weights, "alexnet-tv"
	}
	if o.arch != "" {
		c.Arch = o.arch
	}
	if o.out == "" {
		o.out = defaultOut(ck)
	}
	c.Out = o.out
	c.EvalOnly = true
	// With Resume, the checkpoint's recorded configuration fills every field not named here.
	c.Override("out", "batch")
	for name, given := range map[string]bool{"data": o.data != "", "format": o.format != "", "resize": o.resize != 0, "arch": o.arch != ""} {
		if given {
			c.Override(name)
		}
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return c, fmt.Errorf("--out %s: %v", o.out, err)
	}
	return c, nil
}

// runOn builds the net on d, evaluates and writes the files.
func runOn(d *gpu.Device, lib *vk.Lib, c train.Config, o options, stdout, stderr io.Writer) int {
	t, err := train.NewTrainer(d, lib, c)
	if err != nil {
		fmt.Fprintf(stderr, "evaluate: --weights %s: %v\n", o.weights, err)
		return 1
	}
	defer t.Close()
	return evaluate(t, o, stdout, stderr)
}

// defaultOut is eval-<step> beside a run's checkpoint, or runs/eval-<time> for bare weights.
func defaultOut(ck *train.Checkpoint) string {
	if ck.State != nil {
		return filepath.Join(filepath.Dir(ck.Path), fmt.Sprintf("eval-%012d", ck.State.Step))
	}
	return filepath.Join("runs", "eval-"+time.Now().Format("20060102-150405"))
}

// evaluate runs the evaluation, writes its files and prints the result.
func evaluate(t *train.Trainer, o options, stdout, stderr io.Writer) int {
	start := time.Now()
	r, err := t.Evaluate(o.limit, o.tenCrop)
	if err != nil {
		fmt.Fprintln(stderr, "evaluate:", err)
		return 1
	}
	took := time.Since(start)
	pics, err := train.WriteEvaluation(o.out, &r, t.Data.Classes, t.Data.Test, false)
	if err != nil {
		fmt.Fprintln(stderr, "evaluate:", err)
		return 1
	}
	if err := writeReport(t, &r, pics, o); err != nil {
		fmt.Fprintln(stderr, "evaluate:", err)
		return 1
	}
	var samples []string
	if o.samples > 0 {
		if samples, err = exportSamples(t, filepath.Join(o.out, "samples"), o.samples); err != nil {
			fmt.Fprintln(stderr, "evaluate:", err)
			return 1
		}
	}
	crops := "centre crop"
	if o.tenCrop {
		crops = "10 crops"
	}
	if o.json {
		js, _ := json.Marshal(map[string]any{"weights": o.weights, "arch": t.Arch.Name, "data": t.Data.Path, "step": r.Step,
			"images": r.Images, "top1": r.Top1, "top5": r.Top5, "loss": r.Loss, "ten_crop": o.tenCrop, "out": o.out, "seconds": took.Seconds()})
		fmt.Fprintln(stdout, string(js))
	}
	fmt.Fprintf(stderr, "%s (%s, step %d) on %s: top-1 %.2f%%, top-5 %.2f%%, loss %.4f on %d test images (%s) in %s\n",
		o.weights, t.Arch.Name, r.Step, t.Data.Path, 100*r.Top1, 100*r.Top5, r.Loss, r.Images, crops, took.Round(time.Millisecond))
	fmt.Fprintf(stderr, "%s\n", perClassLine(&r, t.Data.Classes))
	fmt.Fprintf(stderr, "files in %s: confusion.csv, confusion.png, per-class.csv, mistakes.png, report.html\n", o.out)
	if len(samples) > 0 {
		fmt.Fprintf(stderr, "%d test images in %s; classify them with:\n  bin/classify --weights %s %s\n",
			len(samples), filepath.Join(o.out, "samples"), o.weights, filepath.Join(o.out, "samples"))
	}
	return 0
}
