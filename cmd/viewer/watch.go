package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/gpu/window"
	"github.com/alexnet-vk/alexnet/layers/vk"
	"github.com/alexnet-vk/alexnet/train"
	"github.com/spf13/pflag"
)

// followEvery is how often --watch DIR looks for a newer checkpoint.
const followEvery = 2 * time.Second

// watch browses a checkpoint file, or a run directory following its newest checkpoint, without
// training: the net is built for one image at a time and loaded from the checkpoint.
func watch(d *gpu.Device, lib *vk.Lib, w *window.Window, c train.Config, fs *pflag.FlagSet, o options, sc *script) int {
	fi, err := os.Stat(o.watch)
	if err != nil {
		fmt.Fprintf(os.Stderr, "viewer: --watch %s: %v\n", o.watch, err)
		return 1
	}
	dir, follow := filepath.Dir(o.watch), fi.IsDir()
	if follow {
		dir = o.watch
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	v := newViewer(ctx, cancel, w, nil, dir, 0, sc)
	v.state = "" // browsing: the status line says what is shown
	v.script.stopTraining()
	path := o.watch
	if follow {
		v.status = "waiting for a checkpoint in " + dir
		v.setTitle()
		v.draw()
		for path = newest(dir); path == "" && !v.stopping(); path = newest(dir) {
			until := time.Now().Add(followEvery)
			for time.Now().Before(until) && !v.stopping() {
				v.handle(v.wait())
			}
		}
		if v.stopping() {
			return 0
		}
	}
	ck, err := train.LoadCheckpoint(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "viewer:", err)
		return 1
	}
	if ck.State != nil {
		if !fs.Changed("data") {
			c.Data = ck.State.Data
		}
		if !fs.Changed("arch") {
			c.Arch = ck.State.Arch
		}
		c.Resume = path
	} else {
		c.Init = path
	}
	c.Batch, c.MicroBatch = 1, 0 // snapshots only: one image per pass
	c.Override("batch", "micro-batch")
	t, err := train.NewTrainer(d, lib, c)
	if err != nil {
		fmt.Fprintf(os.Stderr, "viewer: --watch %s: %v (a run trained with --resize needs the same --resize here)\n", o.watch, err)
		return 1
	}
	defer t.Close()
	v.setTrainer(t)
	v.show(t, ck)
	last, lastCheck := path, time.Now()
	for !v.stopping() {
		v.handle(v.wait())
		if !follow || time.Since(lastCheck) < followEvery {
			continue
		}
		lastCheck = time.Now()
		p := newest(dir)
		if p == "" || p == last {
			continue
		}
		ck, err := train.LoadCheckpoint(p)
		if err == nil {
			err = ck.Apply(t.Net, false)
		}
		if err != nil { // pruned or half-written while we looked: try again later
			fmt.Fprintln(os.Stderr, "viewer: warning:", err)
			continue
		}
		last = p
		v.show(t, ck)
	}
	return v.exitCode()
}

// show refreshes the window for a newly loaded checkpoint.
func (v *viewer) show(t *train.Trainer, ck *train.Checkpoint) {
	if ck.State != nil {
		t.Net.Step = ck.State.Step
	}
	t.ShowRun(v.out) // the curves of the whole run, from its metrics.csv and history.csv
	v.status = fmt.Sprintf("browsing %s: %s (step %d), no training; %d logged steps, %d evaluations",
		t.Arch.Name, filepath.Base(ck.Path), t.Net.Step, len(t.History()), len(t.Metrics))
	v.update(true)
	v.setTitle()
	fmt.Fprintf(os.Stderr, "viewer: showing %s (step %d)\n", ck.Path, t.Net.Step)
}

func newest(dir string) string {
	all := train.Checkpoints(dir)
	if len(all) == 0 {
		return ""
	}
	return all[len(all)-1]
}
