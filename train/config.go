package train

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/alexnet-vk/alexnet/data"
)

// Config is everything a training run is told (cmd/train's flags).
type Config struct {
	Data     string // dataset path ("" = Fashion-MNIST from Debian's dataset-fashion-mnist)
	Format   string // dataset format override ("" = detect)
	Arch     string
	Classes  int // 0 = the dataset's
	Channels int // 0 = the dataset's
	Resize   int // resize images to Resize×Resize before cropping (0 = native size)

	Epochs      int // epochs to train (0 with Steps > 0: as many as Steps needs)
	Steps       int // stop after this many SGD updates in all (0 = no limit)
	Batch       int
	MicroBatch  int
	LR          float64
	Momentum    float64
	WeightDecay float64
	DecayBiases bool
	Dropout     float64 // < 0: the architecture's
	NoAugment   bool
	Schedule    string // "paper", "step:E1,E2,…" (divide by 10 at those epochs), "linear" (to zero at the end) or "const"
	Patience    int    // paper schedule: evaluations without improvement before dividing lr
	Seed        uint64

	Out             string // run directory
	Resume          string // checkpoint file or run directory
	Init            string // weights file to start from (safetensors or torchvision .pth)
	EvalEvery       int    // steps between evaluations (0 = at each epoch's end)
	EvalLimit       int    // evaluate on at most this many test images (0 = all)
	TenCrop         bool
	VizEvery        int // steps between PNG snapshots (0 = off)
	HistoryEvery    int // steps per row of the per-step log history.csv (0 = 1, or more to stay under HistoryMaxRows rows)
	CheckpointEvery int // steps between checkpoints besides those at evaluations (0 = only those)
	Keep            int // checkpoints kept
	LogFormat       string
	Workers         int
	MemoryLimit     int64
	Quiet           bool // no progress bar
}

// Defaults returns the configuration of `train` with no flags: alexnet-small on Fashion-MNIST, into
// a new run directory named after the start time (runs/YYYYMMDD-HHMMSS).
func Defaults() Config {
	return Config{Arch: "alexnet-small", Epochs: 2, Batch: 128, LR: 0.01, Momentum: 0.9, WeightDecay: 5e-4,
		DecayBiases: true, Dropout: -1, Schedule: "paper", Patience: 2, Seed: 1, Keep: 3, LogFormat: "text",
		Out: filepath.Join("runs", time.Now().Format("20060102-150405"))}
}

// schedule is a parsed --lr-schedule.
type schedule struct {
	kind       string
	milestones []float64 // epochs (fractions allowed) at which lr is divided by 10
}

func parseSchedule(s string) (schedule, error) {
	switch {
	case s == "paper" || s == "const" || s == "linear":
		return schedule{kind: s}, nil
	case strings.HasPrefix(s, "step:"):
		sc := schedule{kind: "step"}
		for _, f := range strings.Split(strings.TrimPrefix(s, "step:"), ",") {
			e, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil || e <= 0 {
				return sc, fmt.Errorf("--lr-schedule %q: %q is not an epoch number", s, f)
			}
			sc.milestones = append(sc.milestones, e)
		}
		return sc, nil
	}
	return schedule{}, fmt.Errorf("--lr-schedule %q: want paper (÷10 when validation error stops improving, at most 3 times), step:E1,E2,… (÷10 at those epochs), linear (falling to 0 over the run) or const", s)
}

// validate checks the numeric flags.
func (c Config) validate() error {
	switch {
	case c.Batch < 1:
		return fmt.Errorf("--batch %d: need at least 1", c.Batch)
	case c.LR <= 0:
		return fmt.Errorf("--lr %g: need a positive learning rate", c.LR)
	case c.Momentum < 0 || c.Momentum >= 1:
		return fmt.Errorf("--momentum %g: need 0 <= momentum < 1", c.Momentum)
	case c.WeightDecay < 0:
		return fmt.Errorf("--weight-decay %g: need >= 0", c.WeightDecay)
	case c.Dropout >= 1:
		return fmt.Errorf("--dropout %g: need 0 <= p < 1", c.Dropout)
	case c.Epochs < 0 || c.Steps < 0:
		return fmt.Errorf("--epochs %d / --steps %d: need >= 0", c.Epochs, c.Steps)
	case c.Epochs == 0 && c.Steps == 0:
		return fmt.Errorf("--epochs 0 and --steps 0: nothing to train")
	case c.LogFormat != "text" && c.LogFormat != "json":
		return fmt.Errorf("--log-format %q: want text or json", c.LogFormat)
	case c.HistoryEvery < 0:
		return fmt.Errorf("--history-every %d: need 0 (automatic) or a number of steps", c.HistoryEvery)
	case c.Keep < 1:
		return fmt.Errorf("--keep %d: need at least 1", c.Keep)
	}
	_, err := parseSchedule(c.Schedule)
	return err
}

// inputPlan decides the loader geometry for an architecture and a dataset: the normalisation the
// architecture expects, and how the dataset's images reach its input size.
func inputPlan(c Config, a Arch, ds *data.Dataset) (data.LoaderConfig, error) {
	native := min(ds.Height, ds.Width)
	size := native
	if c.Resize > 0 {
		size = c.Resize
	}
	lc := data.LoaderConfig{Channels: a.In.C, Crop: a.In.H, Resize: c.Resize, Workers: c.Workers}
	if size < a.In.H {
		return lc, fmt.Errorf("--data %s: images are %d×%d, smaller than %s's %d×%d input; use --resize %d (upsampling) or --arch alexnet-small",
			ds.Path, ds.Height, ds.Width, a.Name, a.In.H, a.In.W, max(256, a.In.H))
	}
	switch a.Name {
	case "alexnet":
		lc.Norm = data.NormMeanImage
	case "alexnet-tv":
		lc.Norm = data.NormImageNet
	default:
		lc.Norm = data.NormChannel
	}
	if c.Resize > 0 && lc.Norm == data.NormMeanImage {
		lc.Norm = data.NormChannel // the mean image is at the native size
	}
	if !c.NoAugment {
		lc.Flip = true
		if size == a.In.H {
			lc.Pad = max(2, a.In.H/8) // small images: random shifts by padding, as CIFAR's pad-4 crops
		}
		if a.In.C == 3 && ds.Channels == 3 && a.Name != "alexnet-small" {
			lc.ColorNoise = 0.1 // the paper's PCA colour noise (§4.1)
		}
	}
	return lc, nil
}
