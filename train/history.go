package train

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// HistoryRow is one row of a run's per-step log, history.csv: the means over the steps since the
// previous row (one step, or Config.HistoryEvery).
type HistoryRow struct {
	Step      uint64  // the row's last step
	Epoch     float64 // epochs done after it, fractional
	Loss      float64 // mean training cross-entropy over the row's images
	Top1      float64 // training accuracies over them, in [0, 1]
	Top5      float64
	LR        float64 // the learning rate of the row's last step
	ImgPerSec float64 // training throughput over the row's steps
}

// historyHeader is history.csv's first line.
const historyHeader = "step,epoch,loss,top1,top5,lr,img_per_s"

// HistoryMaxRows bounds history.csv: with --history-every 0 the interval is chosen so that the
// run's planned steps make at most this many rows (about 60 bytes each).
const HistoryMaxRows = 10000

// HistoryInterval returns the steps per history row for a run of total steps: every (when > 0), else
// ⌈total / HistoryMaxRows⌉.
func HistoryInterval(every, total int) int {
	if every > 0 {
		return every
	}
	return max(1, (total+HistoryMaxRows-1)/HistoryMaxRows)
}

// history writes history.csv as training goes and keeps its rows for the curves. Rows go through
// a buffer flushed at most once a second (and at evaluations and the end), so logging costs
// microseconds per step; Cost says how much.
type history struct {
	every     int
	perEpoch  float64
	rows      []HistoryRow
	f         *os.File
	w         *bufio.Writer
	acc       window
	lastFlush time.Time
	cost      time.Duration // time spent logging (and on timeline frames), for the report of its share
	busy      time.Duration // the training steps' time, to compare cost with
}

// openHistory opens dir/history.csv for appending: afresh, or on resume keeping (and rereading)
// only the rows up to step, since the steps after it are about to be redone.
func openHistory(dir string, resuming bool, step uint64, every int, perEpoch float64) (*history, error) {
	path := filepath.Join(dir, "history.csv")
	h := &history{every: every, perEpoch: perEpoch, lastFlush: time.Now()}
	if resuming {
		rows, err := ReadHistory(path)
		if err != nil && !os.IsNotExist(err) {
			return nil, err
		}
		for _, r := range rows {
			if r.Step <= step {
				h.rows = append(h.rows, r)
			}
		}
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return nil, fmt.Errorf("--out %s: %v", dir, err)
	}
	h.f, h.w = f, bufio.NewWriter(f)
	fmt.Fprintln(h.w, historyHeader)
	for _, r := range h.rows {
		h.write(r)
	}
	if err := h.w.Flush(); err != nil {
		f.Close()
		return nil, fmt.Errorf("--out %s: writing history.csv: %v", dir, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		f.Close()
		return nil, fmt.Errorf("--out %s: %v", dir, err)
	}
	return h, nil
}

func (h *history) write(r HistoryRow) {
	fmt.Fprintf(h.w, "%d,%.4f,%.6f,%.6f,%.6f,%g,%.1f\n", r.Step, r.Epoch, r.Loss, r.Top1, r.Top5, r.LR, r.ImgPerSec)
}

// add counts one step and writes a row when the interval is complete.
func (h *history) add(step uint64, lr float64, st StepStats, busy time.Duration) {
	h.acc.add(st, busy)
	if int(step)%h.every == 0 && h.acc.n > 0 {
		loss, top1, top5, ips := h.acc.means()
		r := HistoryRow{Step: step, Epoch: float64(step) / math.Max(h.perEpoch, 1), Loss: loss, Top1: top1, Top5: top5, LR: lr, ImgPerSec: ips}
		h.rows = append(h.rows, r)
		h.write(r)
		h.acc.reset()
		if time.Since(h.lastFlush) > time.Second {
			h.flush()
		}
	}
}

// flush writes buffered rows to the file.
func (h *history) flush() error {
	h.lastFlush = time.Now()
	return h.w.Flush()
}

func (h *history) close() error {
	err := h.flush()
	if e := h.f.Close(); err == nil {
		err = e
	}
	return err
}

// ReadHistory reads a history.csv as training writes it. A damaged row ends the list (a run killed
// mid-write leaves half a line); a file that is not a history gives an error naming it.
func ReadHistory(path string) ([]HistoryRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	head, err := r.Read()
	if err != nil || len(head) < 7 || head[0] != "step" {
		return nil, fmt.Errorf("%s: not a history.csv (want the header %q)", path, historyHeader)
	}
	var rows []HistoryRow
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil || len(rec) < 7 {
			break
		}
		var v [7]float64
		ok := true
		for i := range v {
			if v[i], err = strconv.ParseFloat(rec[i], 64); err != nil {
				ok = false
			}
		}
		if !ok {
			break
		}
		rows = append(rows, HistoryRow{Step: uint64(v[0]), Epoch: v[1], Loss: v[2], Top1: v[3], Top5: v[4], LR: v[5], ImgPerSec: v[6]})
	}
	return rows, nil
}

// ReadMetrics reads a run's metrics.csv (as training writes it) by column name; rows that do not
// parse are skipped.
func ReadMetrics(path string) ([]Metrics, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil && len(rows) == 0 {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if len(rows) == 0 || len(rows[0]) == 0 || rows[0][0] != "step" {
		return nil, fmt.Errorf("%s: not a metrics.csv (no header starting with step)", path)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	var ms []Metrics
	for _, rec := range rows[1:] {
		bad := false
		get := func(name string) float64 {
			i, ok := col[name]
			if !ok || i >= len(rec) {
				return 0
			}
			v, err := strconv.ParseFloat(rec[i], 64)
			if err != nil {
				bad = true
			}
			return v
		}
		m := Metrics{Step: uint64(get("step")), Epoch: get("epoch"), LR: get("lr"),
			TrainLoss: get("train_loss"), TrainTop1: get("train_top1"), TrainTop5: get("train_top5"),
			ValLoss: get("val_loss"), ValTop1: get("val_top1"), ValTop5: get("val_top5"), ImgPerSec: get("img_per_s")}
		if !bad {
			ms = append(ms, m)
		}
	}
	return ms, nil
}
