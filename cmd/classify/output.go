package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"github.com/alexnet-vk/alexnet/train"
)

// Pred is one of an image's top classes in --json output.
type Pred struct {
	Index int     `json:"index"`
	Label string  `json:"label"`
	Prob  float64 `json:"prob"`
}

// Result is one line of --json output: an image and its top classes, most probable first.
type Result struct {
	File string `json:"file"`
	Top  []Pred `json:"top"`
}

// writer prints results as text or as one JSON object per line, flushing after each image so a
// reader of a pipe sees them as they come.
type writer struct {
	w      *bufio.Writer
	json   bool
	labels []string
	top    int
}

func newWriter(w io.Writer, asJSON bool, labels []string, top int) *writer {
	return &writer{w: bufio.NewWriter(w), json: asJSON, labels: labels, top: top}
}

// write prints the top classes of probabilities p for file.
func (w *writer) write(file string, p []float64) error {
	r := Result{File: file}
	for _, i := range train.TopK(p, w.top) {
		r.Top = append(r.Top, Pred{Index: i, Label: w.labels[i], Prob: p[i]})
	}
	if w.json {
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		w.w.Write(append(b, '\n'))
	} else {
		fmt.Fprintf(w.w, "%s\n", file)
		for _, t := range r.Top {
			fmt.Fprintf(w.w, "  %7.3f%%  %4d  %s\n", 100*t.Prob, t.Index, t.Label)
		}
	}
	return w.w.Flush()
}
