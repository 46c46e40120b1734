package main

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/alexnet-vk/alexnet/train"
	"github.com/alexnet-vk/alexnet/viz"
)

// liveStats smooths the per-step loss and throughput for the status line (about 20 steps of
// memory, bias-corrected for the start).
type liveStats struct {
	loss, ips float64
	n         int
}

func (l *liveStats) add(st train.StepStats, stepTime float64) {
	if st.N == 0 {
		return
	}
	const a = 0.9
	l.n++
	l.loss = a*l.loss + (1-a)*st.Loss/float64(st.N)
	if stepTime > 0 {
		l.ips = a*l.ips + (1-a)*float64(st.N)/stepTime
	}
}

func (l *liveStats) means() (loss, ips float64) {
	if l.n == 0 {
		return 0, 0
	}
	c := 1 - pow(0.9, l.n)
	return l.loss / c, l.ips / c
}

func pow(x float64, n int) float64 {
	p := 1.0
	for i := 0; i < n && p > 1e-12; i++ {
		p *= x
	}
	return p
}

// statusLine is the dashboard's bottom line: step of total, epoch, lr, smoothed training loss,
// img/s, the time left and the state.
func (v *viewer) statusLine() string {
	t := v.trainer
	if t == nil || v.state == "" {
		return v.status
	}
	total, perEpoch := t.Plan()
	step := int(t.State.Step)
	var b strings.Builder
	if total > 0 {
		fmt.Fprintf(&b, "step %d/%d  epoch %d/%d", step, total, min(t.State.Epoch+1, max(1, (total+perEpoch-1)/perEpoch)), max(1, (total+perEpoch-1)/perEpoch))
	} else {
		fmt.Fprintf(&b, "step %d  epoch %d", step, t.State.Epoch+1)
	}
	fmt.Fprintf(&b, "  lr %.3g", t.State.LR)
	if loss, ips := v.stats.means(); v.stats.n > 0 {
		fmt.Fprintf(&b, "  loss %.3f  %.0f img/s", loss, ips)
	}
	if total > step && v.stepTime > 0 && v.state != "done" {
		eta := time.Duration(float64(total-step) * v.stepTime * float64(time.Second))
		fmt.Fprintf(&b, "  ETA %s", eta.Round(time.Second))
	}
	fmt.Fprintf(&b, "  [%s]", strings.ToUpper(v.state))
	return b.String()
}

// dashboard lays the snapshot, the toggles and the selected layer out for viz.
func (v *viewer) dashboard() *viz.Dashboard {
	d := &viz.Dashboard{Status: v.statusLine()}
	if v.view.help {
		d.Help = helpLines
	}
	s := v.snap
	if s == nil {
		d.ProbeTitle = "starting"
		return d // placeholders until there is something to show
	}
	w, mode := v.filters, "raw"
	if v.view.filterDelta {
		if s.Init != nil && len(s.Init) == len(w) {
			w, mode = viz.Delta(w, s.Init), "change since init"
		} else {
			mode = "raw (no initial weights to compare)"
		}
	}
	scale := "own scale each"
	if v.view.filterShared {
		scale = "one scale"
	}
	d.Filters, d.K, d.C, d.R, d.S, d.Groups, d.FilterShared = w, s.K, s.C, s.R, s.S, s.Groups, v.view.filterShared
	d.FilterTitle = fmt.Sprintf("conv1 at step %d: %s, %s  (d, f)", v.filtersStep, mode, scale)
	if v.trainer != nil {
		d.Series = v.trainer.Series()
	} else {
		d.Series = s.Series
	}
	d.Probe, d.Top, d.Truth = s.Probe, s.Top, s.Truth
	d.ProbeTitle = fmt.Sprintf("probe at step %d (true: %s)  n: next", s.Step, s.Truth)
	switch v.view.panel {
	case panelConfusion, panelMistakes:
		d.Alt, d.AltTitle, d.AltNote = v.evalPicture()
	default:
		if n := len(s.Acts); n > 0 {
			v.layer = (v.layer%n + n) % n
			a := s.Acts[v.layer]
			d.Act, d.ActC, d.ActH, d.ActW, d.ActInput, d.ActPerChannel = a.Data, a.Shape.C, a.Shape.H, a.Shape.W, s.Probe, v.view.actChannel
			d.ActCaption = fmt.Sprintf("%s at step %d  (layer %d/%d: l/arrows, a: scale, c: more)",
				viz.ShapeCaption(a.Layer, a.Shape.C, a.Shape.H, a.Shape.W), s.Step, v.layer+1, n)
		}
	}
	return d
}

// altKey identifies a rendering of the top-right panel's evaluation picture.
type altKey struct {
	eval  *train.EvalResult
	panel int
	room  image.Point
}

// altCache holds the latest such rendering.
type altCache struct {
	key altKey
	img image.Image
}

// evalPicture returns the confusion matrix or the mistakes of the latest evaluation: the
// trainer's own when it trains, else the run directory's PNG (browsing).
func (v *viewer) evalPicture() (image.Image, string, string) {
	name, what := "confusion.png", "confusion matrix"
	if v.view.panel == panelMistakes {
		name, what = "mistakes.png", "most confident mistakes"
	}
	if t := v.trainer; t != nil {
		if r, _ := t.LastEvaluation(); r != nil {
			title := fmt.Sprintf("%s, evaluation at step %d  (c: next panel)", what, r.Step)
			_, ar, _, _ := viz.DashboardLayout(v.win.Size())
			room := ar.Size().Sub(image.Pt(0, 20)) // below the title
			key := altKey{r, v.view.panel, room}
			if v.alt.key != key { // rendered once per evaluation, panel and size, not per draw
				if v.view.panel == panelMistakes {
					v.alt.img = fitGallery(train.MistakeItems(r, t.Data.Classes, t.Data.Test), train.MistakeTitle(r), room)
				} else {
					v.alt.img = fitConfusion(r.Confusion, t.Data.Classes, room)
				}
				v.alt.key = key
			}
			return v.alt.img, title, ""
		}
	}
	if img, err := readPNG(filepath.Join(v.out, name)); err == nil {
		return img, what + " from " + name + "  (c: next panel)", ""
	}
	return nil, "", what + ": no evaluation yet  (c: next panel)"
}

func readPNG(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return png.Decode(f)
}

func (v *viewer) setTitle() {
	state := "h: help · space pause · q quit"
	if v.paused {
		state = "PAUSED (space resumes)"
	}
	name := "browsing"
	if v.trainer != nil {
		name = fmt.Sprintf("%s step %d", v.trainer.Arch.Name, v.trainer.State.Step)
	}
	v.win.SetTitle(fmt.Sprintf("AlexNet viewer — %s — %s", name, state))
}

// fitConfusion renders the confusion matrix with the largest cell (36 down to 4 pixels) that fits
// room unscaled, so its text stays crisp; the smallest when none does.
func fitConfusion(counts [][]int, names []string, room image.Point) image.Image {
	var img *image.RGBA
	for cell := 36; cell >= 4; cell -= 2 {
		img = viz.ConfusionMatrix(counts, padNames(names, len(counts)), viz.ConfusionOptions{Cell: cell})
		if img.Rect.Dx() <= room.X && img.Rect.Dy() <= room.Y {
			break
		}
	}
	return img
}

// fitGallery renders the mistakes gallery with the largest pictures and the most of them (16
// down to 4) that fit room unscaled.
func fitGallery(items []viz.GalleryItem, title string, room image.Point) image.Image {
	var img *image.RGBA
	for _, side := range []int{96, 84, 56, 42, 28} {
		for _, n := range []int{16, 12, 8, 6, 4} {
			for _, cols := range []int{8, 6, 4, 3, 2} {
				if n > len(items) && n != 4 || cols > n {
					continue
				}
				img = viz.Gallery(items[:min(n, len(items))], viz.GalleryOptions{Title: title, Side: side, Cols: cols})
				if img.Rect.Dx() <= room.X && img.Rect.Dy() <= room.Y {
					return img
				}
			}
		}
	}
	return img
}

// padNames returns names with "class N" for the classes it lacks, n in all.
func padNames(names []string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("class %d", i)
		if i < len(names) {
			out[i] = names[i]
		}
	}
	return out
}
