package hostile

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The builders make valid files: the zeros inflate to exactly n bytes (across chunk boundaries), the
// gzip member passes gzip's CRC and size checks, and the PNG decodes.
func TestBuildersMakeValidFiles(t *testing.T) {
	for _, n := range []int64{0, 1, zeroChunk - 1, zeroChunk, 2*zeroChunk + 7} {
		var b bytes.Buffer
		if _, err := DeflateZeros(&b, n); err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(flate.NewReader(&b))
		if err != nil || int64(len(got)) != n || bytes.Count(got, []byte{0}) != len(got) {
			t.Fatalf("DeflateZeros(%d) inflates to %d bytes, err %v", n, len(got), err)
		}
		b.Reset()
		if err := GzipZeros(&b, []byte("head"), n); err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(&b)
		if err != nil {
			t.Fatal(err)
		}
		got, err = io.ReadAll(zr)
		if err != nil || int64(len(got)) != 4+n || string(got[:4]) != "head" {
			t.Fatalf("GzipZeros(%d): %d bytes, err %v", n, len(got), err)
		}
	}
	p := filepath.Join(t.TempDir(), "z.png")
	if err := PNGZeros(p, 300, 20, 16); err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(p)
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil || img.Bounds() != image.Rect(0, 0, 300, 20) {
		t.Fatalf("PNGZeros: %v, %v", err, img)
	}
}

// Run reports the exit status, output and peak memory of a child, and kills one that runs too long.
func TestRun(t *testing.T) {
	r, err := Run(10*time.Second, 0, nil, "sh", "-c", "echo hi; exit 3")
	if err != nil || r.Code != 3 || r.Output != "hi\n" || r.MaxRSS <= 0 || r.TimedOut {
		t.Fatalf("Run: %+v, %v", r, err)
	}
	// A child that computes for a while: its CPU time is counted.
	r, err = Run(30*time.Second, 0, nil, "sh", "-c", "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done")
	if err != nil || r.Code != 0 || r.CPU <= 0 || r.CPU > r.Elapsed+time.Second {
		t.Fatalf("Run of a busy child: %+v, %v", r, err)
	}
	r, err = Run(200*time.Millisecond, 0, nil, "sleep", "10")
	if err != nil || !r.TimedOut || r.Elapsed > 6*time.Second {
		t.Fatalf("Run past its timeout: %+v, %v", r, err)
	}
}

// errRecorder is a testing.TB that keeps what Errorf says.
type errRecorder struct {
	testing.TB
	msgs []string
}

func (e *errRecorder) Helper() {}
func (e *errRecorder) Errorf(format string, args ...any) {
	e.msgs = append(e.msgs, fmt.Sprintf(format, args...))
}

// A span counts this process's CPU time apart from its wall time: sleeping costs wall time only,
// spinning costs both; Within fails a span over either bound and passes one under both.
func TestSpan(t *testing.T) {
	s := Begin()
	time.Sleep(150 * time.Millisecond)
	wall, cpu := s.Took()
	if wall < 150*time.Millisecond || cpu > 100*time.Millisecond {
		t.Errorf("sleeping 150 ms: wall %v, CPU %v", wall, cpu)
	}
	s = Begin()
	for wall, cpu = s.Took(); cpu < 150*time.Millisecond && wall < 5*time.Second; wall, cpu = s.Took() {
	}
	if cpu < 150*time.Millisecond {
		t.Errorf("spinning: %v of CPU time in %v", cpu, wall)
	}
	r := &errRecorder{TB: t}
	s.Within(r, "spin", 100*time.Millisecond) // over the CPU bound, under 5 × 100 ms of wall time if the machine is not crowded
	Begin().Within(r, "nothing", time.Second)
	s = Begin()
	time.Sleep(120 * time.Millisecond)
	s.Within(r, "sleep", 20*time.Millisecond) // under the CPU bound, over 5 × 20 ms of wall time
	if len(r.msgs) != 2 || !strings.HasPrefix(r.msgs[0], "spin: ") || !strings.HasPrefix(r.msgs[1], "sleep: ") ||
		!strings.Contains(r.msgs[1], "want at most 20ms and 100ms") {
		t.Errorf("Within reported %q", r.msgs)
	}
}
