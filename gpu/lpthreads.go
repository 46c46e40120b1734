package gpu

import (
	"bufio"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path"
	"runtime"
	"strconv"
	"strings"
)

// threadsEnv is the variable by which lavapipe (llvmpipe) sizes its pools of worker threads; Mesa
// reads it when the driver loads. Unset, lavapipe starts one worker per CPU in the process's
// affinity mask, but it does not look at a cgroup's CPU quota: in a container limited to 2 CPUs on
// a 64-CPU host it starts 64 workers, which every dispatch splits its workgroups among and then waits
// for, while the quota lets only 2 run at a time (the others are throttled, so each dispatch lasts as
// long as its slowest, descheduled worker).
const threadsEnv = "LP_NUM_THREADS"

// CPUBudget is the CPU time the process may use: the CPUs of its affinity mask and the cgroup's
// CPU quota (cpu.max, or cpu.cfs_quota_us / cpu.cfs_period_us under cgroup v1) where one is set.
type CPUBudget struct {
	Affinity int     // CPUs the process may run on (runtime.NumCPU reads sched_getaffinity)
	Quota    float64 // CPUs' worth of time per period the cgroup allows; 0 when unlimited or unknown
}

// Cores returns how many threads can run at once: the affinity count, lowered to the quota
// rounded up (a quota of 1.5 CPUs still lets two threads make progress).
func (b CPUBudget) Cores() int {
	n := max(b.Affinity, 1)
	if b.Quota > 0 {
		n = min(n, max(1, int(math.Ceil(b.Quota-1e-9))))
	}
	return n
}

// String describes the budget, e.g. "2 CPUs" or "64 CPUs, cgroup quota 2.0".
func (b CPUBudget) String() string {
	s := fmt.Sprintf("%d CPUs", b.Affinity)
	if b.Quota > 0 {
		s += fmt.Sprintf(", cgroup quota %.1f", b.Quota)
	}
	return s
}

// ProcessCPUBudget returns this process's CPU budget from the running system.
func ProcessCPUBudget() CPUBudget {
	return CPUBudget{Affinity: runtime.NumCPU(), Quota: cgroupQuota(os.DirFS("/"))}
}

// cgroupQuota returns the CPU quota, in CPUs, of the cgroup that /proc/self/cgroup names within
// root, the smallest along the path up to the hierarchy's root (a parent's limit binds its
// children); 0 when there is none or it cannot be read.
func cgroupQuota(root fs.FS) float64 {
	f, err := root.Open("proc/self/cgroup")
	if err != nil {
		return 0
	}
	defer f.Close()
	best := 0.0
	take := func(q float64) {
		if q > 0 && (best == 0 || q < best) {
			best = q
		}
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// hierarchy-ID:controller-list:path; cgroup v2 is "0::/path".
		parts := strings.SplitN(sc.Text(), ":", 3)
		if len(parts) != 3 {
			continue
		}
		ctrls, p := parts[1], parts[2]
		switch {
		case parts[0] == "0" && ctrls == "":
			for d := p; ; d = path.Dir(d) {
				take(quotaV2(root, path.Join("sys/fs/cgroup", d, "cpu.max")))
				if d == "/" || d == "." {
					break
				}
			}
		case hasController(ctrls, "cpu"):
			for _, mount := range []string{"sys/fs/cgroup/cpu,cpuacct", "sys/fs/cgroup/cpu"} {
				for d := p; ; d = path.Dir(d) {
					take(quotaV1(root, path.Join(mount, d)))
					if d == "/" || d == "." {
						break
					}
				}
			}
		}
	}
	return best
}

func hasController(list, name string) bool {
	for _, c := range strings.Split(list, ",") {
		if c == name {
			return true
		}
	}
	return false
}

// quotaV2 reads a cgroup v2 cpu.max ("max 100000" or "200000 100000"): quota/period, 0 if none.
func quotaV2(root fs.FS, file string) float64 {
	b, err := fs.ReadFile(root, file)
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) != 2 || f[0] == "max" {
		return 0
	}
	return ratio(f[0], f[1])
}

// quotaV1 reads cgroup v1's cpu.cfs_quota_us (-1: none) over cpu.cfs_period_us in dir, 0 if none.
func quotaV1(root fs.FS, dir string) float64 {
	q, err1 := fs.ReadFile(root, path.Join(dir, "cpu.cfs_quota_us"))
	p, err2 := fs.ReadFile(root, path.Join(dir, "cpu.cfs_period_us"))
	if err1 != nil || err2 != nil {
		return 0
	}
	return ratio(strings.TrimSpace(string(q)), strings.TrimSpace(string(p)))
}

func ratio(q, p string) float64 {
	quota, err1 := strconv.ParseFloat(q, 64)
	period, err2 := strconv.ParseFloat(p, 64)
	if err1 != nil || err2 != nil || quota <= 0 || period <= 0 {
		return 0
	}
	return quota / period
}

// applyThreads sets LP_NUM_THREADS, unless the environment already has it, to the threads the
// budget lets run at once (Cores), before Vulkan starts, and returns a note saying what it did.
// Where no cgroup quota applies this is lavapipe's own default, made explicit so that reports
// show it; under a quota it is fewer workers than CPUs in the mask.
func applyThreads(b CPUBudget, getenv func(string) string, setenv func(string, string) error) (string, error) {
	if user := getenv(threadsEnv); user != "" {
		return fmt.Sprintf("%s=%s from the environment (%s)", threadsEnv, user, b), nil
	}
	n := b.Cores()
	if err := setenv(threadsEnv, strconv.Itoa(n)); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s=%d for lavapipe: %s (a value in the environment wins)", threadsEnv, n, b), nil
}
