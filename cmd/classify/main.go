// Command classify prints the top-k ImageNet (or a checkpoint's own) classes of images, from
// torchvision's AlexNet weights or from weights trained by cmd/train, on a Vulkan device.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers/vk"
	"github.com/alexnet-vk/alexnet/train"
	"github.com/spf13/pflag"
)

const usage = `Usage: classify --weights FILE [flags] IMAGES_OR_DIRS...

Prints the top-k classes of each image (JPEG or PNG; directories are searched for *.jpg, *.jpeg and
*.png) with their probabilities. Weights: a torchvision AlexNet .pth state_dict, a .safetensors file
with torchvision's names, or a checkpoint of cmd/train (its architecture, input size and class
names come with it). Unreadable images are reported on stderr and skipped (exit status 1).

Preprocessing: alexnet-tv as torchvision (shorter side 256, centre 224, ImageNet mean/std);
alexnet as the paper (shorter side 256, centre 227, mean subtraction); alexnet-small resizes to
its input and standardises each channel. The training set's statistics come from the checkpoint
(the paper's mean image from its dataset where that is at hand). --ten-crop averages the softmax of the 4 corner and centre crops and their mirrors.

Examples:
  classify --weights alexnet-owt-7be5be79.pth assets/samples        # torchvision's pretrained file
  classify --weights alexnet-owt-7be5be79.pth --ten-crop --top 3 cat.jpg dog.png
  classify --weights runs/20261127-150405/checkpoint-00001000.safetensors --json photos/ > top5.jsonl
  classify --weights alexnet-owt-7be5be79.pth --export alexnet-tv.safetensors   # for PyTorch

Flags:
`

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// options are the parsed command line.
type options struct {
	weights, arch, labels, export string
	top, batch, size              int
	tenCrop, json                 bool
	dev                           gpu.Options
	inputs                        []string
}

// parseArgs parses args; code is -1 to go on, else the exit status (0 after --help, 2 for misuse).
func parseArgs(args []string, stderr io.Writer) (o options, code int) {
	fs := pflag.NewFlagSet("classify", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	fs.StringVar(&o.weights, "weights", "", "weights: torchvision .pth, .safetensors (torchvision's or our names) or a cmd/train checkpoint (required)")
	fs.StringVar(&o.arch, "arch", "", "architecture: "+strings.Join(train.Names(), ", ")+" (default: the checkpoint's, else alexnet-tv)")
	fs.BoolVar(&o.tenCrop, "ten-crop", false, "average the softmax of 10 crops (4 corners, centre, and their mirrors)")
	fs.IntVar(&o.top, "top", 5, "classes to print per image")
	fs.BoolVar(&o.json, "json", false, `one JSON object per line: {"file":…,"top":[{"index":…,"label":…,"prob":…},…]}`)
	fs.IntVar(&o.batch, "batch", 16, "images per pass through the device")
	fs.StringVar(&o.labels, "labels", "", "class names, one per line (default: the checkpoint's, or ImageNet's for 1000 classes)")
	fs.IntVar(&o.size, "size", 0, "input size of alexnet-small when the weights do not record it (default 28)")
	fs.StringVar(&o.export, "export", "", "also write the weights alone to this .safetensors file (torchvision's names for alexnet-tv; PyTorch loads it)")
	o.dev.RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return o, 0
		}
		fmt.Fprintln(stderr, "classify:", err)
		return o, 2
	}
	o.inputs = fs.Args()
	switch {
	case o.weights == "":
		fmt.Fprintln(stderr, "classify: --weights FILE is required (a torchvision .pth, a .safetensors weights file or a cmd/train checkpoint); see --help")
		return o, 2
	case len(o.inputs) == 0 && o.export == "":
		fmt.Fprintln(stderr, "classify: no images given (name image files or directories after the flags); see --help")
		return o, 2
	case o.top < 1:
		fmt.Fprintf(stderr, "classify: --top %d: need at least 1\n", o.top)
		return o, 2
	case o.batch < 1:
		fmt.Fprintf(stderr, "classify: --batch %d: need at least 1\n", o.batch)
		return o, 2
	case o.size < 0:
		fmt.Fprintf(stderr, "classify: --size %d: need a positive input size\n", o.size)
		return o, 2
	}
	if o.export != "" {
		if err := train.CheckExportTarget(o.export, o.weights); err != nil {
			fmt.Fprintln(stderr, "classify:", err)
			return o, 2
		}
	}
	return o, -1
}

// run is the command: parse, load and check the weights (before any device work, so a wrong --arch
// fails fast), open the device, classify.
func run(args []string, stdout, stderr io.Writer) int {
	o, code := parseArgs(args, stderr)
	if code >= 0 {
		return code
	}
	m, err := prepare(o, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "classify:", err)
		return 1
	}
	d, err := gpu.Open(o.dev)
	if err != nil {
		fmt.Fprintln(stderr, "classify:", err)
		return 1
	}
	defer d.Close()
	lib, err := vk.New(d)
	if err != nil {
		fmt.Fprintln(stderr, "classify:", err)
		return 1
	}
	defer lib.Free()
	return classify(d, lib, o, m, stdout, stderr)
}
