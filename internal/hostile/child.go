package hostile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// Result is how a child process ended and what it cost.
type Result struct {
	Output   string        // stdout and stderr together
	Code     int           // exit status; -1 if killed by a signal (the timeout included)
	TimedOut bool          // the child ran past the timeout and was killed
	Elapsed  time.Duration // wall time
	CPU      time.Duration // CPU time, user and system, of the child and its threads
	// MaxRSS is the peak resident memory in bytes (getrusage's ru_maxrss). It is an upper bound:
	// Go starts a child sharing the parent's memory until it execs (vfork), and Linux counts that.
	MaxRSS int64
}

// String summarises r for test logs.
func (r Result) String() string {
	return fmt.Sprintf("exit %d after %.2f s (%.2f s of CPU), peak RSS %.0f MiB", r.Code, r.Elapsed.Seconds(), r.CPU.Seconds(), float64(r.MaxRSS)/(1<<20))
}

// Run runs name with args and extra environment variables in a child process, killing it after
// timeout, and reports its output, time and peak memory. The child's address space is capped at
// asLimit bytes where prlimit(1) is installed, so that a regression fails the test with "out of
// memory" rather than exhausting a shared machine.
func Run(timeout time.Duration, asLimit int64, env []string, name string, args ...string) (Result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var cmd *exec.Cmd
	if pl, err := exec.LookPath("prlimit"); err == nil && asLimit > 0 {
		cmd = exec.CommandContext(ctx, pl, append([]string{"--as=" + strconv.FormatInt(asLimit, 10), "--", name}, args...)...)
	} else {
		cmd = exec.CommandContext(ctx, name, args...)
	}
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	err := cmd.Run()
	r := Result{Output: out.String(), Elapsed: time.Since(start), TimedOut: ctx.Err() != nil}
	if cmd.ProcessState == nil {
		return r, err
	}
	r.Code = cmd.ProcessState.ExitCode()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.MaxRSS = ru.Maxrss * 1024 // kilobytes on Linux
		r.CPU = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return r, err
	}
	return r, nil
}

// caseVar names the environment variable that tells a re-executed test binary which hostile case
// to run (see RunCase and Case).
const caseVar = "ALEXNET_HOSTILE_CASE"

// argVar carries the case's argument (a fixture's path) to the child.
const argVar = "ALEXNET_HOSTILE_ARG"

// Case returns the hostile case this process was started to run by RunCase and its argument, or
// "" in a normal test run.
func Case() (name, arg string) { return os.Getenv(caseVar), os.Getenv(argVar) }

// RunCase re-executes the running test binary with the case's name and argument in the
// environment, running no tests: the package's TestMain calls Case and, when it is set, runs that
// case and exits. It returns the child's result. The child runs under the time and memory bounds
// that Run applies.
func RunCase(name, arg string, timeout time.Duration, asLimit int64) (Result, error) {
	return Run(timeout, asLimit, CaseEnv(name, arg), os.Args[0], "-test.run=^$", "-test.count=1")
}

// CaseEnv is the environment that makes a re-executed test binary's Case return name and arg.
func CaseEnv(name, arg string) []string { return []string{caseVar + "=" + name, argVar + "=" + arg} }

// Limits are the bounds every hostile input must respect: a clear error within 10 s of CPU time
// (and WallFactor times that of wall time, for a machine that other tests share), with under 1 GiB
// of peak memory. ChildTimeout is how long a child may run before it is killed (a hang), and
// AddressSpace caps a child's memory so that a regression fails rather than exhausting the machine.
const (
	MaxTime      = 10 * time.Second
	MaxRSS       = 1 << 30
	ChildTimeout = 60 * time.Second
	AddressSpace = 4 << 30
)

// Check runs one hostile case in a child and returns its output, failing the test unless the child
// exited with status code within MaxTime of CPU time (WallFactor × MaxTime of wall time) with a peak
// RSS under MaxRSS.
func Check(t testing.TB, name, arg string, code int) string {
	t.Helper()
	r, err := RunCase(name, arg, ChildTimeout, AddressSpace)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	t.Logf("%s: %v", name, r)
	if r.Code != code || r.TimedOut || r.CPU > MaxTime || r.Elapsed > WallFactor*MaxTime || r.MaxRSS > MaxRSS {
		t.Fatalf("%s: %v; want exit %d within %v of CPU time and %v of wall time, under %d MiB:\n%s",
			name, r, code, MaxTime, WallFactor*MaxTime, MaxRSS>>20, r.Output)
	}
	return r.Output
}
