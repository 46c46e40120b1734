package train

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
)

// bar is the progress display over the run's updates: a progress bar on a terminal, or JSON lines.
// It counts the run's total steps (whichever of --steps and --epochs ends first) and starts at the
// step the run is at, so a resumed run's bar starts where the interrupted one stopped; the ETA is
// the remaining steps at this process's pace.
type bar struct {
	pb       *progressbar.ProgressBar
	json     bool
	perEpoch int
	first    uint64 // step when this process started
	total    uint64 // step at which the run ends
	steps    int    // steps this process made
	start    time.Time
}

func (t *Trainer) newBar(perEpoch int, total uint64) *bar {
	b := &bar{json: t.Cfg.LogFormat == "json", perEpoch: perEpoch, first: t.State.Step, total: total, start: time.Now()}
	if b.json || t.Cfg.Quiet {
		return b
	}
	b.pb = progressbar.NewOptions64(int64(total), progressbar.OptionSetWriter(os.Stderr),
		progressbar.OptionSetDescription(fmt.Sprintf("epoch %d/%d", t.State.Epoch+1, b.epochs())),
		progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(false), progressbar.OptionSetElapsedTime(true),
		progressbar.OptionSetWidth(24), progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionShowDescriptionAtLineEnd())
	b.pb.Set64(int64(b.first))
	return b
}

// epochs is how many epochs the run touches.
func (b *bar) epochs() uint64 { return (b.total + uint64(b.perEpoch) - 1) / uint64(b.perEpoch) }

// eta is the time the remaining steps take at this process's pace so far.
func (b *bar) eta(step uint64) time.Duration {
	if b.steps == 0 || step >= b.total {
		return 0
	}
	per := time.Since(b.start) / time.Duration(b.steps)
	return (per * time.Duration(b.total-step)).Round(time.Second)
}

func (b *bar) step(t *Trainer, w *window) {
	b.steps++
	loss, top1, _, ips := w.means()
	if b.json {
		if b.steps%10 == 1 {
			js, _ := json.Marshal(map[string]any{"step": t.State.Step, "total_steps": b.total, "epoch": t.State.Epoch + 1,
				"loss": loss, "top1": top1, "img_per_s": ips, "lr": t.State.LR, "eta_s": b.eta(t.State.Step).Seconds()})
			fmt.Println(string(js))
		}
		return
	}
	if b.pb != nil {
		b.pb.Describe(fmt.Sprintf("epoch %d/%d  loss %.3f  acc %.1f%%  %.0f img/s  ETA %s", t.State.Epoch+1, b.epochs(), loss, 100*top1, ips, b.eta(t.State.Step)))
		b.pb.Set64(int64(t.State.Step))
	}
}

// clear removes the bar from the terminal before a log line; the next step redraws it.
func (b *bar) clear() {
	if b.pb != nil {
		b.pb.Clear()
	}
}

func (b *bar) finish() {
	if b.pb != nil {
		b.pb.Exit() // leave the bar where training stopped
		fmt.Fprintln(os.Stderr)
		b.pb = nil
	}
}
