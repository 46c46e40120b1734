package gpu

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestCgroupQuota(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	for _, c := range []struct {
		name string
		fs   fstest.MapFS
		want float64
	}{
		{"no cgroup file", fstest.MapFS{}, 0},
		{"v2 unlimited", fstest.MapFS{"proc/self/cgroup": file("0::/box\n"), "sys/fs/cgroup/box/cpu.max": file("max 100000\n")}, 0},
		{"v2 quota", fstest.MapFS{"proc/self/cgroup": file("0::/box\n"), "sys/fs/cgroup/box/cpu.max": file("150000 100000\n")}, 1.5},
		{"v2 parent binds", fstest.MapFS{"proc/self/cgroup": file("0::/a/b\n"),
			"sys/fs/cgroup/a/b/cpu.max": file("400000 100000\n"), "sys/fs/cgroup/a/cpu.max": file("200000 100000\n")}, 2},
		{"v2 at the root", fstest.MapFS{"proc/self/cgroup": file("0::/\n"), "sys/fs/cgroup/cpu.max": file("300000 100000\n")}, 3},
		{"v1 quota", fstest.MapFS{"proc/self/cgroup": file("5:memory:/x\n4:cpu,cpuacct:/box\n"),
			"sys/fs/cgroup/cpu,cpuacct/box/cpu.cfs_quota_us": file("50000\n"), "sys/fs/cgroup/cpu,cpuacct/box/cpu.cfs_period_us": file("100000\n")}, 0.5},
		{"v1 unlimited", fstest.MapFS{"proc/self/cgroup": file("1:cpu:/\n"),
			"sys/fs/cgroup/cpu/cpu.cfs_quota_us": file("-1\n"), "sys/fs/cgroup/cpu/cpu.cfs_period_us": file("100000\n")}, 0},
		{"garbage", fstest.MapFS{"proc/self/cgroup": file("0::/box\nnonsense\n"), "sys/fs/cgroup/box/cpu.max": file("lots\n")}, 0},
	} {
		if got := cgroupQuota(c.fs); got != c.want {
			t.Errorf("%s: quota %g, want %g", c.name, got, c.want)
		}
	}
}

func TestCPUBudgetCores(t *testing.T) {
	for _, c := range []struct {
		b    CPUBudget
		want int
	}{
		{CPUBudget{Affinity: 2}, 2},
		{CPUBudget{Affinity: 64, Quota: 2}, 2},
		{CPUBudget{Affinity: 64, Quota: 1.5}, 2},
		{CPUBudget{Affinity: 64, Quota: 0.25}, 1},
		{CPUBudget{Affinity: 4, Quota: 8}, 4},
		{CPUBudget{}, 1},
	} {
		if got := c.b.Cores(); got != c.want {
			t.Errorf("%v: Cores() = %d, want %d", c.b, got, c.want)
		}
	}
}

func TestApplyThreads(t *testing.T) {
	for _, c := range []struct {
		b         CPUBudget
		env       string
		set, note string
	}{
		{CPUBudget{Affinity: 2}, "", "2", "LP_NUM_THREADS=2 for lavapipe: 2 CPUs"},
		{CPUBudget{Affinity: 64, Quota: 2}, "", "2", "64 CPUs, cgroup quota 2.0"},
		{CPUBudget{Affinity: 64, Quota: 2}, "8", "", "LP_NUM_THREADS=8 from the environment"},
	} {
		set := ""
		setenv := func(k, v string) error {
			if k != threadsEnv {
				t.Fatalf("set %s", k)
			}
			set = v
			return nil
		}
		getenv := func(k string) string {
			if k == threadsEnv {
				return c.env
			}
			return ""
		}
		note, err := applyThreads(c.b, getenv, setenv)
		if err != nil || set != c.set || !strings.Contains(note, c.note) {
			t.Errorf("%v, env %q: set %q, note %q, err %v; want set %q, note with %q", c.b, c.env, set, note, err, c.set, c.note)
		}
	}
}
