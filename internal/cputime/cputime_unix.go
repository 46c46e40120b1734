//go:build unix

// Package cputime reads the CPU time this process has used, in all its threads: on lavapipe the
// device is the CPU, so CPU seconds measure work even when other processes share the machine
// (bin/bench's img per CPU-second, the hostile-input tests' bounds).
package cputime

import (
	"syscall"
	"time"
)

// Process returns the CPU time (user + system, all threads) this process has used so far, or 0
// where the system cannot tell.
func Process() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
