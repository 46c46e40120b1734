//go:build !unix

package main

import "time"

// cpuTime is unknown here; reports then carry zero CPU times.
func cpuTime() time.Duration { return 0 }
