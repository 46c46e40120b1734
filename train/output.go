package train

import (
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// output is the run directory: metrics.csv, the per-step log, the filter timeline, the latest
// evaluation's explanation, and checkpoints.
type output struct {
	dir      string
	metrics  *os.File
	hist     *history  // nil until Run opens it
	tl       *timeline // nil until Run starts it
	eval     *EvalResult
	evalPics *EvalPictures
	total    int // the run's planned steps
	perEpoch int
}

// openOutput creates the run directory (or checks it is writable) and opens metrics.csv, appending
// when resuming.
func openOutput(dir string, resuming bool) (*output, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("--out %s: %v", dir, err)
	}
	probe := filepath.Join(dir, ".write-test")
	if err := os.WriteFile(probe, nil, 0o644); err != nil {
		return nil, fmt.Errorf("--out %s: not writable: %v", dir, err)
	}
	os.Remove(probe)
	path := filepath.Join(dir, "metrics.csv")
	flags := os.O_CREATE | os.O_WRONLY | os.O_TRUNC
	if resuming {
		flags = os.O_CREATE | os.O_WRONLY | os.O_APPEND
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if err != nil {
		return nil, fmt.Errorf("--out %s: %v", dir, err)
	}
	if st, _ := f.Stat(); st.Size() == 0 {
		fmt.Fprintln(f, "step,epoch,lr,train_loss,train_top1,train_top5,val_loss,val_top1,val_top5,img_per_s")
	}
	return &output{dir: dir, metrics: f}, nil
}

func (o *output) writeMetrics(m Metrics) error {
	_, err := fmt.Fprintf(o.metrics, "%d,%.4f,%g,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.1f\n", m.Step, m.Epoch, m.LR,
		m.TrainLoss, m.TrainTop1, m.TrainTop5, m.ValLoss, m.ValTop1, m.ValTop5, m.ImgPerSec)
	if err == nil {
		err = o.metrics.Sync()
	}
	return err
}

func (o *output) close() {
	if o.metrics != nil {
		o.metrics.Close()
	}
	if o.hist != nil && o.hist.f != nil {
		o.hist.close()
	}
}

// window sums training statistics between evaluations.
type window struct {
	loss          float64
	top1, top5, n int
	busy          time.Duration
}

func newWindow() *window { return &window{} }

func (w *window) add(st StepStats, d time.Duration) {
	w.loss += st.Loss
	w.top1 += st.Top1
	w.top5 += st.Top5
	w.n += st.N
	w.busy += d
}

func (w *window) means() (loss, top1, top5, ips float64) {
	if w.n == 0 {
		return 0, 0, 0, 0
	}
	n := float64(w.n)
	return w.loss / n, float64(w.top1) / n, float64(w.top5) / n, n / w.busy.Seconds()
}

func (w *window) reset() { *w = window{} }
