package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers/vk"
	"github.com/alexnet-vk/alexnet/train"
	"github.com/spf13/pflag"
)

// followEvery is how often --watch DIR looks for a newer checkpoint.
const followEvery = 2 * time.Second

// watch browses a checkpoint file, or a run directory following its newest checkpoint, without
// training: the net is built for one image at a time and loaded from the checkpoint.
func watch(d *gpu.Device, lib *vk.Lib, w *gpu.Window, c train.Config, fs *pflag.FlagSet, o options, sc *script) int {
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
	t.Metrics = readMetrics(filepath.Join(v.out, "metrics.csv"))
	v.status = fmt.Sprintf("%s, %s", t.Arch.Name, filepath.Base(ck.Path))
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

// readMetrics reads a run's metrics.csv (as train writes it) for the curves; a missing or damaged
// file gives no curves rather than an error.
func readMetrics(path string) []train.Metrics {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) < 2 {
		return nil
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	get := func(r []string, name string) float64 {
		i, ok := col[name]
		if !ok || i >= len(r) {
			return 0
		}
		v, _ := strconv.ParseFloat(r[i], 64)
		return v
	}
	var ms []train.Metrics
	for _, r := range rows[1:] {
		ms = append(ms, train.Metrics{Step: uint32(get(r, "step")), Epoch: get(r, "epoch"), LR: get(r, "lr"),
			TrainLoss: get(r, "train_loss"), TrainTop1: get(r, "train_top1"), TrainTop5: get(r, "train_top5"),
			ValLoss: get(r, "val_loss"), ValTop1: get(r, "val_top1"), ValTop5: get(r, "val_top5"),
			ImgPerSec: get(r, "img_per_s")})
	}
	return ms
}
