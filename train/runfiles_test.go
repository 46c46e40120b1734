package train

import (
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/alexnet-vk/alexnet/viz/chrome"
	"github.com/alexnet-vk/alexnet/weights"
)

// A run with evaluations and snapshots writes the per-step log (one row per step), the
// evaluation's explanation (confusion counts that add up to the images evaluated, per-class
// accuracy that matches them, the pictures), numbered copies of every PNG, the filter timeline and
// a report that Chromium shows with every picture loaded, none blank, no console message and no
// request; resuming keeps the log consistent (no row twice, none from beyond the checkpoint).
func TestRunFiles(t *testing.T) {
	dir := t.TempDir()
	writeIDX(t, dir, 256, 64) // 8 steps per epoch at batch 32
	c := smallConfig(t, dir)
	c.EvalEvery, c.VizEvery = 6, 6
	d, l := setup(t)
	c.Steps, c.Epochs = 12, 0
	tr, err := NewTrainer(d, l, c)
	if err != nil {
		t.Fatal(err)
	}
	tr.Hooks.Viz = WriteSnapshots
	var logs []string
	tr.Hooks.Log = func(f string, a ...any) { logs = append(logs, fmt.Sprintf(f, a...)) }
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	tr.Close()
	out := c.Out
	rows, err := ReadHistory(filepath.Join(out, "history.csv"))
	if err != nil || len(rows) != 12 {
		t.Fatalf("history.csv: %d rows, %v; want 12", len(rows), err)
	}
	for i, r := range rows {
		if r.Step != uint64(i+1) || !(r.Loss > 0) || r.Top1 < 0 || r.Top1 > 1 || r.LR != c.LR || !(r.ImgPerSec > 0) {
			t.Errorf("history row %d: %+v", i, r)
		}
	}
	counts := readCSV(t, filepath.Join(out, "confusion.csv"))
	perClass := readCSV(t, filepath.Join(out, "per-class.csv"))
	if len(counts) != 11 || len(counts[0]) != 11 || len(perClass) != 11 {
		t.Fatalf("confusion.csv %d×%d and per-class.csv %d rows, want 11×11 and 11 (10 classes and a header)", len(counts), len(counts[0]), len(perClass))
	}
	total := 0
	for i := 1; i <= 10; i++ {
		row := 0
		for j := 1; j <= 10; j++ {
			row += atoi(t, counts[i][j])
		}
		total += row
		if got := atoi(t, perClass[i][2]); got != row {
			t.Errorf("per-class.csv: class %d has %d images, the confusion row %d", i-1, got, row)
		}
		if got := atoi(t, perClass[i][3]); got != atoi(t, counts[i][i]) {
			t.Errorf("per-class.csv: class %d has %d correct, the diagonal %s", i-1, got, counts[i][i])
		}
	}
	if total != c.EvalLimit {
		t.Errorf("the confusion matrix counts %d images, the evaluation %d", total, c.EvalLimit)
	}
	for _, name := range []string{"filters.png", "filters-change.png", "activations-conv1.png", "activations-conv5.png", "curves.png", "probe.png",
		"confusion.png", "mistakes.png", "filters-timeline.png", "report.html", timelineFile,
		"snapshots/000000000006/filters.png", "snapshots/000000000006/confusion.png", "snapshots/000000000012/activations-conv3.png", "snapshots/000000000012/mistakes.png"} {
		if st, err := os.Stat(filepath.Join(out, name)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
	html, err := os.ReadFile(filepath.Join(out, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(html), `src="data:image/png;base64,`); n < 11 {
		t.Errorf("report.html has %d inline pictures, want ≥ 11 (curves, confusion, mistakes, timeline, filters, probe, 5 layers)", n)
	}
	if strings.Contains(string(html), "http-equiv=\"refresh\"") {
		t.Errorf("the final report still reloads itself")
	}
	b := chrome.StartForTest(t)
	p := chrome.CheckPage(t, b, filepath.Join(out, "report.html"), 1280)
	if len(p.Pictures) < 11 {
		t.Errorf("the browser found %d pictures, want ≥ 11", len(p.Pictures))
	}
	os.WriteFile(filepath.Join(t.ArtifactDir(), "report.png"), p.Screenshot, 0o644)

	// A crash after the checkpoint at step 12 left a row for step 13 behind: resuming drops it.
	f, err := os.OpenFile(filepath.Join(out, "history.csv"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(f, "13,9.9,9.9,0,0,0.01,1")
	f.Close()
	c.Resume, c.Steps = out, 16
	c.Override("steps") // as --steps on the command line: over the recorded 12
	tr, err = NewTrainer(d, l, c)
	if err != nil {
		t.Fatal(err)
	}
	tr.Hooks.Log = func(string, ...any) {}
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s := tr.Series(); len(s) == 0 || len(s[2].Step) < 3 {
		t.Errorf("after resuming, the test curve has %v points, want the earlier evaluations too", s)
	}
	tr.Close()
	rows, _ = ReadHistory(filepath.Join(out, "history.csv"))
	if len(rows) != 16 || rows[12].Step != 13 || rows[12].Loss == 9.9 {
		t.Errorf("after resuming: %d rows (want 16, steps 1…16 once each), row 13 %+v", len(rows), rows[min(12, len(rows)-1)])
	}
	tl, err := readFrames(filepath.Join(out, timelineFile))
	if err != nil || len(tl) < 3 || tl[0] != 0 || tl[len(tl)-1] != 16 {
		t.Errorf("timeline frames at steps %v (%v), want 0 first and 16 last", tl, err)
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("%q is not a count", s)
	}
	return n
}

// readFrames returns the steps of a timeline file's frames.
func readFrames(path string) ([]int, error) {
	ts, _, err := weights.ReadSafetensors(path)
	var steps []int
	for _, x := range ts {
		var s int
		if _, err := fmt.Sscanf(x.Name, "step-%d", &s); err != nil {
			return nil, fmt.Errorf("frame %q: %v", x.Name, err)
		}
		steps = append(steps, s)
	}
	return steps, err
}

// The interval of the per-step log, the list of mistakes, per-class accuracy and reading damaged
// logs, without a device.
func TestHistoryAndMistakes(t *testing.T) {
	for _, tc := range []struct{ every, total, want int }{{0, 1, 1}, {0, 10000, 1}, {0, 10001, 2}, {0, 1_000_000, 100}, {7, 10, 7}} {
		if got := HistoryInterval(tc.every, tc.total); got != tc.want {
			t.Errorf("HistoryInterval(%d, %d) = %d, want %d", tc.every, tc.total, got, tc.want)
		}
	}
	var r EvalResult
	for i := 0; i < 40; i++ {
		r.keepMistake(Mistake{Index: i, Prob: float64((i*37)%40) / 40})
	}
	if len(r.Mistakes) != MaxMistakes {
		t.Fatalf("%d mistakes kept, want %d", len(r.Mistakes), MaxMistakes)
	}
	for i, m := range r.Mistakes {
		if want := float64(39-i) / 40; m.Prob != want {
			t.Errorf("mistake %d has probability %g, want %g (the most confident first)", i, m.Prob, want)
		}
	}
	r.Confusion = [][]int{{3, 1}, {0, 0}}
	acc, n := r.PerClass()
	if acc[0] != 0.75 || !math.IsNaN(acc[1]) || n[0] != 4 || n[1] != 0 {
		t.Errorf("PerClass = %v, %v", acc, n)
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "history.csv")
	os.WriteFile(p, []byte(historyHeader+"\n1,0.1,2.3,0.1,0.5,0.01,100.0\n2,0.2,2.1,0.2,0.6,0.01,101.0\n3,0.3,2."), 0o644)
	if rows, err := ReadHistory(p); err != nil || len(rows) != 2 || rows[1].Loss != 2.1 {
		t.Errorf("a history cut mid-row: %+v, %v; want its 2 whole rows", rows, err)
	}
	os.WriteFile(p, []byte("step,epoch,lr\n"), 0o644)
	if _, err := ReadHistory(p); err == nil || !strings.Contains(err.Error(), "not a history.csv") {
		t.Errorf("a metrics file read as a history: %v", err)
	}
}
