package hostile

import (
	"testing"
	"time"

	"github.com/alexnet-vk/alexnet/internal/cputime"
)

// WallFactor is how much longer than its CPU bound a bounded span may take in wall time. The tests
// share two cores with other test binaries and their lavapipe threads (go test runs packages side by
// side), which stretches wall time several-fold without any more work being done; the CPU bound
// catches work that grows with a hostile input (inflating a bomb, allocating what a header claims),
// the wall bound catches waiting (a blocked read on a FIFO, a sleep, a retry loop).
const WallFactor = 5

// Span is a stretch of this process's life, timed in wall time and in CPU time (user and system,
// every thread: the Go runtime's and the Vulkan driver's).
type Span struct {
	wall time.Time
	cpu  time.Duration
}

// Begin starts a span now.
func Begin() Span { return Span{wall: time.Now(), cpu: cputime.Process()} }

// Took returns the wall and CPU time since s began.
func (s Span) Took() (wall, cpu time.Duration) { return time.Since(s.wall), cputime.Process() - s.cpu }

// Within fails t unless the span took at most limit of CPU time and WallFactor × limit of wall time.
func (s Span) Within(t testing.TB, what string, limit time.Duration) {
	t.Helper()
	wall, cpu := s.Took()
	if cpu > limit || wall > WallFactor*limit {
		t.Errorf("%s: %v of CPU time and %v of wall time, want at most %v and %v", what,
			cpu.Round(time.Millisecond), wall.Round(time.Millisecond), limit, WallFactor*limit)
	}
}
