// Command prep packs an ImageFolder (ImageNet's layout) into 256×256 uint8 shards that training reads
// without decoding JPEGs; see --help.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/pflag"

	"github.com/alexnet-vk/alexnet/data"
)

const usage = `prep packs an image folder into shards for fast training.

Usage:
  prep --in DIR --out DIR [--size 256] [--shard-size N] [--workers N]

The input is torchvision's ImageFolder layout: DIR/<class>/*.{jpg,jpeg,png}, or DIR/train/<class>/…
with DIR/val/<class>/… beside it. Each image is rescaled so its shorter side is --size and centre-
cropped to --size×--size (the AlexNet paper's §2), then stored as 8-bit RGB with its label.
The output holds OUT/train (and OUT/val) with a manifest.json and shard-NNNNN.shard files; give OUT
to train's --data. Unreadable files are skipped and listed in one warning.

An interrupted run (Ctrl-C, a crash, a full disk) is finished by running the same command again:
shards already there are verified (every image's checksum, and the whole file's against the one
manifest.json recorded) and kept, damaged ones are rebuilt, and no half-written shard is ever
accepted by a reader. Every file written is mode 0666 less the umask (0644 usually), so others
can train from shared shards.

Examples:
  prep --in ~/imagenet --out /fast/imagenet-shards
  prep --in ./photos --out ./photos-shards --shard-size 500 --workers 4

Flags:
`

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

// run parses args, packs, and returns the exit code (0 ok, 1 error, 2 usage, 130 interrupted).
func run(args []string, stderr io.Writer) int {
	fs := pflag.NewFlagSet("prep", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	in := fs.String("in", "", "ImageFolder root to read (required)")
	out := fs.String("out", "", "folder to write the shards into (required)")
	size := fs.Int("size", 256, "side of the stored square images")
	shardSize := fs.Int("shard-size", 1000, "source images per shard (about size²·3 bytes each)")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "decoding goroutines")
	quiet := fs.Bool("quiet", false, "no progress bar")
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "prep: %v (see prep --help)\n", err)
		return 2
	}
	if *in == "" || *out == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "prep: --in and --out are required, and nothing else (see prep --help)")
		return 2
	}
	if *size < 1 || *shardSize < 1 || *workers < 1 {
		fmt.Fprintln(stderr, "prep: --size, --shard-size and --workers must be at least 1")
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	var bar *progressbar.ProgressBar
	progress := func(done, total int) {
		if *quiet {
			return
		}
		if bar == nil {
			bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(stderr),
				progressbar.OptionSetDescription("prep"), progressbar.OptionShowCount(),
				progressbar.OptionShowIts(), progressbar.OptionSetItsString("img"),
				progressbar.OptionSetPredictTime(true), progressbar.OptionThrottle(200*time.Millisecond),
				progressbar.OptionFullWidth())
		}
		bar.Set(done)
	}
	// Pack's one warning comes at the end of a split: start it on a fresh line, not after the bar.
	warn := writerFunc(func(p []byte) (int, error) {
		if bar != nil {
			fmt.Fprintln(stderr)
		}
		return stderr.Write(p)
	})
	start := time.Now()
	report, err := data.Pack(ctx, *in, *out, data.PackOptions{Size: *size, ShardSize: *shardSize,
		Workers: *workers, Progress: progress, Warn: warn})
	if bar != nil {
		if err == nil {
			bar.Finish()
		} else {
			bar.Exit() // keep the bar where it stopped
		}
		fmt.Fprintln(stderr)
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(stderr, "prep: interrupted; run the same command again to finish (complete shards are kept)")
		return 130
	}
	if err != nil {
		fmt.Fprintf(stderr, "prep: %v\n", err)
		return 1
	}
	for _, s := range report {
		fmt.Fprintf(stderr, "prep: %s: %d images in %d shards in %s (%d shards verified and kept from an earlier run, %d damaged ones rebuilt, %d unreadable files skipped in this run)\n",
			s.Name, s.Images, s.Shards, s.Dir, s.Reused, s.Rebuilt, s.Skipped)
	}
	fmt.Fprintf(stderr, "prep: done in %s\n", time.Since(start).Round(time.Second))
	return 0
}

// writerFunc adapts a function to io.Writer.
type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
