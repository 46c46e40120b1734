package cputime

import (
	"testing"
	"time"
)

// Spinning costs CPU time, which Process counts; sleeping does not.
func TestProcess(t *testing.T) {
	start := Process()
	for spin := time.Now(); time.Since(spin) < 100*time.Millisecond; {
	}
	spun := Process() - start
	if spun < 20*time.Millisecond {
		t.Errorf("spinning for 100 ms of wall time: %v of CPU time", spun)
	}
	start = Process()
	time.Sleep(100 * time.Millisecond)
	if slept := Process() - start; slept > 50*time.Millisecond {
		t.Errorf("sleeping 100 ms: %v of CPU time", slept)
	}
}
