// Command viewer trains AlexNet in a window that shows the network learning: conv1's filters, the
// activations of a probe image at every conv layer, the loss and accuracy curves and the probe's
// top-5 predictions, refreshed as training runs. It can also browse a run's checkpoints.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/gpu/window"
	"github.com/alexnet-vk/alexnet/layers/vk"
	"github.com/alexnet-vk/alexnet/train"
	"github.com/spf13/pflag"
)

const usage = `Usage: viewer [flags]

Trains like ` + "`train`" + ` (same flags, same run directory) in a window that shows conv1's filters,
the probe image's activations at every conv layer, the curves and the probe's top-5, refreshed while
the network learns. With no flags: alexnet-small on Fashion-MNIST, into a new run directory runs/<start time>.

The bottom line shows step/total, epoch, learning rate, smoothed training loss, img/s, the time
left and the state (training, paused, evaluating, done). The curves come from the run's per-step
log (history.csv), so --watch shows the whole run.

Keys (h or ? in the window shows them):
      KEYS

Examples:
  viewer                                   # train the default run and watch it
  viewer --epochs 1 --eval-every 100       # test curve every 100 steps
  viewer --refresh 10                      # redraw every 10 steps (default: auto, ≤ 2 % of the time)
  viewer --resume runs/20261127-150405              # continue a run, with the window
  viewer --watch runs/20261127-150405               # browse a run that ` + "`train`" + ` is writing, following new checkpoints
  viewer --watch runs/20261127-150405/checkpoint-00000468.safetensors

Without a display (no $DISPLAY), use ` + "`train --viz-every N`" + `: it writes the same panels as PNGs.

Environment:
  DISPLAY, WAYLAND_DISPLAY   the window system (the viewer exits 1 without one)
  ALEXNET_VIEWER_SCRIPT      keys to press, for tests and demos: tokens run in order, each a key
                             (s q n l space left right up down escape h ? a f d c), close,
                             resize:WxH, or steps:N (wait N training steps); e.g. "steps:50 s q"
  ALEXNET_VALIDATION=1       turn the Khronos validation layer on (as --validate)
  LP_NATIVE_VECTOR_WIDTH     lavapipe's vector width; the viewer keeps lavapipe's default (256),
                             whose graphics path works (see --vector-width)
  MESA_SHADER_CACHE_DIR      Mesa's shader cache (default: one per vector width under
                             ~/.cache/alexnet-vk)
  MESA_VK_DEVICE_SELECT      when set, Mesa's device-select layer picks the window's device;
                             otherwise the window goes on the compute device (--device)
  VK_ICD_FILENAMES           the Vulkan drivers the loader may use (e.g. one driver's JSON)

Flags:
`

func main() { os.Exit(run()) }

// options are the viewer's own flags, beside the training ones.
type options struct {
	refresh       int
	watch         string
	width, height int
	dev           gpu.Options
}

func run() int {
	c := train.Defaults()
	var o options
	fs := pflag.NewFlagSet("viewer", pflag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(os.Stderr, strings.Replace(usage, "KEYS", helpKeys(), 1)); fs.PrintDefaults() }
	train.RegisterFlags(fs, &c)
	fs.IntVar(&o.refresh, "refresh", 0, "steps between redraws (0: auto, keeping the window's share of the time under 2 %)")
	fs.StringVar(&o.watch, "watch", "", "browse a checkpoint file, or a run directory following its newest checkpoint (no training)")
	fs.IntVar(&o.width, "width", 1280, "initial window width in pixels")
	fs.IntVar(&o.height, "height", 800, "initial window height in pixels")
	// lavapipe draws windows only at its default vector width (gpu.wideGraphicsError), so the viewer
	// trains at that width unless told otherwise.
	o.dev.VectorWidth = "native"
	o.dev.RegisterFlags(fs)
	if err := fs.Parse(os.Args[1:]); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(os.Stderr, "viewer:", err)
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "viewer: unexpected argument %q (flags only; see --help)\n", fs.Arg(0))
		return 2
	}
	if o.refresh < 0 {
		fmt.Fprintf(os.Stderr, "viewer: --refresh %d: need 0 (auto) or a number of steps\n", o.refresh)
		return 2
	}
	sc, err := parseScript(os.Getenv(scriptEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, "viewer:", err)
		return 2
	}
	if err := window.InitDisplay(); err != nil {
		fmt.Fprintf(os.Stderr, "viewer: %v.\nThe viewer needs a window; without a display, train with `train --viz-every N`, which writes the same panels (filters.png, activations-<layer>.png, curves.png, probe.png) into the run directory every N steps.\n", err)
		return 1
	}
	d, err := gpu.Open(o.dev)
	if err != nil {
		fmt.Fprintln(os.Stderr, "viewer:", err)
		return 1
	}
	defer d.Close()
	fmt.Fprintf(os.Stderr, "device: %s\n", d.Info)
	lib, err := vk.New(d)
	if err != nil {
		fmt.Fprintln(os.Stderr, "viewer:", err)
		return 1
	}
	defer lib.Free()
	w, err := window.Open(window.Options{Title: "AlexNet viewer", Width: o.width, Height: o.height,
		Device: d.Info.Name, Validation: o.dev.Validation})
	if err != nil {
		fmt.Fprintln(os.Stderr, "viewer:", err)
		return 1
	}
	defer w.Close() // before the device's Close (deferred earlier, run later)
	if o.watch != "" {
		return watch(d, lib, w, c, fs, o, sc)
	}
	return trainWithWindow(d, lib, w, c, o, sc)
}

// trainWithWindow runs the training job with the window updating from its step hook.
func trainWithWindow(d *gpu.Device, lib *vk.Lib, w *window.Window, c train.Config, o options, sc *script) int {
	t, err := train.NewTrainer(d, lib, c)
	if err != nil {
		fmt.Fprintln(os.Stderr, "viewer:", err)
		return 1
	}
	defer t.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	v := newViewer(ctx, cancel, w, t, t.Cfg.Out, o.refresh, sc) // t.Cfg: as --resume restored it
	t.Hooks.Step = v.onStep
	t.Hooks.Eval = v.onEval
	t.Hooks.Evaluating = v.onEvaluating
	if t.Cfg.VizEvery > 0 {
		t.Hooks.Viz = train.WriteSnapshots
	}
	v.update(true)     // the untrained filters, before the first step
	v.handle(v.poll()) // keys pressed meanwhile, and the script's first actions
	start := time.Now()
	err = t.Run(ctx)
	took := time.Since(start)
	v.report(took)
	switch {
	case errors.Is(err, train.ErrInterrupted):
		fmt.Fprintf(os.Stderr, "viewer: stopped at step %d; checkpoint %s; continue with: viewer --resume %s\n", t.State.Step, t.LastCheckpoint(), t.Cfg.Out)
		return v.exitCode()
	case err != nil:
		fmt.Fprintln(os.Stderr, "viewer:", err)
		return 1
	}
	fmt.Fprintf(os.Stderr, "viewer: training done at step %d in %s; checkpoint %s. The window stays open: q or Esc to quit.\n",
		t.State.Step, took.Round(time.Second), t.LastCheckpoint())
	v.finished()
	return v.exitCode()
}
