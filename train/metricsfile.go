package train

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/alexnet-vk/alexnet/internal/regfile"
)

// maxMetricsFile bounds the metrics file a resumed run reads: a million evaluations are ~100 MB.
const maxMetricsFile = 256 << 20

// continueRows prepares a resumed run's CSV file (metrics.csv) in dir: the rows of from (the same
// file of the run directory the checkpoint came from, possibly dir itself) up to and including
// step, so that the rows the interrupted run wrote after its checkpoint (and would write again) are
// not duplicated. A torn last line (a crash while writing) is dropped too. It returns the kept rows
// with their header, and writes the file atomically only when it changes.
func continueRows(dir, from, name string, step uint64) ([][]string, error) {
	src := filepath.Join(from, name)
	b, err := regfile.ReadFile(src, maxMetricsFile, "the run's "+name)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("--resume: %v", err)
	}
	lines := strings.SplitAfter(string(b), "\n")
	if len(lines) == 0 || !strings.HasSuffix(lines[0], "\n") {
		return nil, nil // not even a header: the file starts afresh
	}
	header := strings.Split(strings.TrimSpace(lines[0]), ",")
	col := -1
	for i, h := range header {
		if h == "step" {
			col = i
		}
	}
	if col < 0 {
		return nil, fmt.Errorf("--resume: %s has no step column in its header %q", src, strings.TrimSpace(lines[0]))
	}
	var out bytes.Buffer
	out.WriteString(lines[0])
	rows := [][]string{header}
	for _, ln := range lines[1:] {
		f := strings.Split(strings.TrimSpace(ln), ",")
		if !strings.HasSuffix(ln, "\n") || len(f) != len(header) {
			continue // torn by a crash
		}
		s, err := strconv.ParseUint(f[col], 10, 64)
		if err != nil || s > step {
			continue
		}
		out.WriteString(ln)
		rows = append(rows, f)
	}
	dst := filepath.Join(dir, name)
	if old, err := os.ReadFile(dst); err == nil && bytes.Equal(old, out.Bytes()) {
		return rows, nil
	}
	return rows, writeFileAtomic(dst, out.Bytes())
}

// writeFileAtomic writes b to path through a temporary file renamed into place.
func writeFileAtomic(path string, b []byte) error {
	// named as weights' temporary files (.NAME.tmp-PID-RANDOM), so that removeTemps recognises it
	f, err := os.CreateTemp(filepath.Dir(path), fmt.Sprintf(".%s.tmp-%d-*", filepath.Base(path), os.Getpid()))
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Chmod(0o644)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// metricsFromRows turns metrics.csv rows (header first) back into Metrics, by column name.
func metricsFromRows(rows [][]string) []Metrics {
	if len(rows) < 2 {
		return nil
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	get := func(r []string, name string) float64 {
		i, ok := col[name]
		if !ok || i >= len(r) {
			return 0
		}
		v, _ := strconv.ParseFloat(r[i], 64)
		return v
	}
	var ms []Metrics
	for _, r := range rows[1:] {
		step, _ := strconv.ParseUint(r[col["step"]], 10, 64)
		ms = append(ms, Metrics{Step: step, Epoch: get(r, "epoch"), LR: get(r, "lr"),
			TrainLoss: get(r, "train_loss"), TrainTop1: get(r, "train_top1"), TrainTop5: get(r, "train_top5"),
			ValLoss: get(r, "val_loss"), ValTop1: get(r, "val_top1"), ValTop5: get(r, "val_top5"),
			ImgPerSec: get(r, "img_per_s")})
	}
	return ms
}
