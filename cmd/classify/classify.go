package main

import (
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/internal/regfile"
	"github.com/alexnet-vk/alexnet/layers/vk"
	"github.com/alexnet-vk/alexnet/train"
)

// imageExts are the extensions a directory is searched for (any case).
var imageExts = map[string]bool{".jpg": true, ".jpeg": true, ".png": true}

// expand turns the arguments into image files: a file as given, a directory's images (recursively,
// in lexical order). Paths that cannot be read, and anything that is not a regular file (a FIFO, a
// device, a socket, or a link to one), are reported on stderr and counted, never opened.
func expand(args []string, stderr io.Writer) (files []string, bad int) {
	for _, a := range args {
		fi, err := os.Stat(a)
		if err != nil {
			fmt.Fprintf(stderr, "classify: %v (skipped)\n", err)
			bad++
			continue
		}
		if !fi.IsDir() {
			if !fi.Mode().IsRegular() {
				fmt.Fprintf(stderr, "classify: %s: %s, not an image file (skipped)\n", a, regfile.Describe(fi.Mode()))
				bad++
				continue
			}
			files = append(files, a)
			continue
		}
		n := len(files)
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				fmt.Fprintf(stderr, "classify: %v (skipped)\n", err)
				bad++
				return nil
			}
			if d.IsDir() || !imageExts[strings.ToLower(filepath.Ext(p))] {
				return nil
			}
			if _, err := regfile.Check(p, "a JPEG or PNG image"); err != nil {
				fmt.Fprintf(stderr, "classify: %v (skipped)\n", err)
				bad++
				return nil
			}
			files = append(files, p)
			return nil
		})
		if err == nil && len(files) == n {
			fmt.Fprintf(stderr, "classify: %s: no .jpg, .jpeg or .png files in this directory\n", a)
			bad++
		}
	}
	return files, bad
}

// chunk is up to --batch images, decoded: x holds the crops of the readable ones (ok, indices into
// files), errs the reason each unreadable one was skipped.
type chunk struct {
	files []string
	x     []float32
	ok    []int
	errs  []error
}

// decodeChunks decodes files in chunks of batch images on all cores and sends them in order; the
// next chunk decodes while the device runs the current one. Closing stop ends it early.
func decodeChunks(files []string, batch int, p *prep, stop <-chan struct{}) <-chan *chunk {
	out := make(chan *chunk, 1)
	go func() {
		defer close(out)
		for i := 0; i < len(files); i += batch {
			c := &chunk{files: files[i:min(i+batch, len(files))]}
			per := p.floats()
			all := make([]float32, len(c.files)*per)
			c.errs = make([]error, len(c.files))
			var wg sync.WaitGroup
			sem := make(chan struct{}, runtime.GOMAXPROCS(0))
			for j, f := range c.files {
				wg.Add(1)
				sem <- struct{}{}
				go func() {
					defer func() { <-sem; wg.Done() }()
					c.errs[j] = p.load(f, all[j*per:(j+1)*per])
				}()
			}
			wg.Wait()
			for j, err := range c.errs {
				if err == nil {
					c.x = append(c.x, all[j*per:(j+1)*per]...)
					c.ok = append(c.ok, j)
				}
			}
			select {
			case out <- c:
			case <-stop:
				return
			}
		}
	}()
	return out
}

// classify builds the net, loads the weights, optionally exports them, and prints the top classes
// of every readable image. It returns the exit status: 1 if anything was skipped or failed.
func classify(d *gpu.Device, lib *vk.Lib, o options, m *model, stdout, stderr io.Writer) int {
	files, bad := expand(o.inputs, stderr)
	net, err := train.NewNet(d, lib, m.arch, train.NetConfig{Batch: o.batch, Seed: 1, Dropout: 0, ForwardOnly: true})
	if err != nil {
		fmt.Fprintln(stderr, "classify:", err)
		return 1
	}
	defer net.Free()
	if err := m.ck.Apply(net, false); err != nil {
		fmt.Fprintln(stderr, "classify:", err)
		return 1
	}
	if o.export != "" {
		if err := train.ExportWeights(o.export, net); err != nil {
			fmt.Fprintln(stderr, "classify:", err)
			return 1
		}
		fmt.Fprintf(stderr, "classify: wrote %s's weights (%d tensors, no momenta) to %s\n", m.arch.Name, len(net.Params), o.export)
	}
	if len(o.inputs) == 0 {
		return 0
	}
	fmt.Fprintf(stderr, "classify: %s from %s on %s; input: %s%s\n", m.arch.Name, o.weights, d.Info.Name, m.prep.desc, tenCropNote(o.tenCrop))
	w := newWriter(stdout, o.json, m.labels, o.top)
	stop := make(chan struct{})
	defer close(stop)
	crops, classes := m.prep.crops(), m.arch.Classes
	start, done := time.Now(), 0
	for c := range decodeChunks(files, o.batch, m.prep, stop) {
		for _, err := range c.errs {
			if err != nil {
				fmt.Fprintf(stderr, "classify: %v (skipped)\n", err) // the error names the file
				bad++
			}
		}
		if len(c.ok) == 0 {
			continue
		}
		logits, err := net.Logits(c.x, len(c.ok)*crops)
		if err != nil {
			fmt.Fprintln(stderr, "classify:", err)
			return 1
		}
		for i, j := range c.ok {
			p := train.AverageSoftmax(logits[i*crops*classes:(i+1)*crops*classes], crops, classes)
			if !finite(p) {
				fmt.Fprintf(stderr, "classify: %s: the network's output is not finite (are the weights corrupt?) (skipped)\n", c.files[j])
				bad++
				continue
			}
			if err := w.write(c.files[j], p); err != nil {
				fmt.Fprintln(stderr, "classify: writing the results:", err)
				return 1
			}
			done++
		}
	}
	sec := time.Since(start).Seconds()
	fmt.Fprintf(stderr, "classify: %d image(s) in %.2f s (%.1f img/s)", done, sec, float64(done)/max(sec, 1e-9))
	if bad > 0 {
		fmt.Fprintf(stderr, "; %d input(s) unreadable, skipped\n", bad)
		return 1
	}
	fmt.Fprintln(stderr)
	return 0
}

func tenCropNote(on bool) string {
	if on {
		return ", softmax averaged over 10 crops"
	}
	return ""
}

// finite reports whether every probability is a number (NaN or ±Inf weights make them not).
func finite(p []float64) bool {
	for _, v := range p {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}
