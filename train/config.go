package train

import (
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/alexnet-vk/alexnet/data"
)

// Config is everything a training run is told: the fields of the training flags (see flagDefs),
// and a few settings for programs that train without flags.
type Config struct {
	Data     string  // dataset path ("" = Fashion-MNIST from Debian's dataset-fashion-mnist)
	Format   string  // dataset format override ("" = detect)
	HoldOut  float64 // fraction of Train held out for evaluation when the data have no test split (0: no evaluation)
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
	// EvalOnly says the trainer only evaluates (cmd/evaluate): --conv-algo auto times the forward
	// pass alone (NetConfig.ForwardOnly); training it stays correct, by direct backward passes.
	EvalOnly bool

	// Given names the flags set explicitly (RegisterFlags and Override fill it). With Resume, the
	// configuration recorded in the checkpoint replaces every recorded field not named here.
	Given map[string]bool
}

// Defaults returns the configuration of `train` with no flags: alexnet-small on Fashion-MNIST, into
// a new run directory named after the start time (runs/YYYYMMDD-HHMMSS).
func Defaults() Config {
	return Config{Arch: "alexnet-small", Epochs: 2, Batch: 128, LR: 0.01, Momentum: 0.9, WeightDecay: 5e-4,
		DecayBiases: true, Dropout: -1, HoldOut: 0.1, Schedule: "paper", Patience: 2, Seed: 1, Keep: 3, LogFormat: "text",
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
			if err != nil || !(e > 0) || math.IsInf(e, 0) {
				return sc, fmt.Errorf("--lr-schedule %q: %q is not an epoch number", s, f)
			}
			sc.milestones = append(sc.milestones, e)
		}
		return sc, nil
	}
	return schedule{}, fmt.Errorf("--lr-schedule %q: want paper (÷10 when validation error stops improving, at most 3 times), step:E1,E2,… (÷10 at those epochs), linear (falling to 0 over the run) or const", s)
}

// validate checks every flag's value as the command line does, and the flags together.
func (c Config) validate() error {
	if err := c.checkFlags(); err != nil {
		return err
	}
	if c.Epochs == 0 && c.Steps == 0 {
		return fmt.Errorf("--epochs 0 and --steps 0: nothing to train")
	}
	return nil
}

// resolveLimits applies the rule of --steps and --epochs: one given alone turns the other's limit
// off (so --steps N alone means N updates, whatever the default epochs); given together, the run
// stops at whichever comes first. It returns a note when it changed a limit.
func (c *Config) resolveLimits() string {
	switch {
	case c.Given["steps"] && !c.Given["epochs"] && c.Epochs != 0:
		old := c.Epochs
		c.Epochs = 0
		return fmt.Sprintf("--epochs %d → 0 (--steps given alone)", old)
	case c.Given["epochs"] && !c.Given["steps"] && c.Steps != 0:
		old := c.Steps
		c.Steps = 0
		return fmt.Sprintf("--steps %d → 0 (--epochs given alone)", old)
	}
	return ""
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
	lc.CentreCrop = c.NoAugment
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
