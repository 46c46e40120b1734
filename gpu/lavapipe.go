package gpu

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// vectorWidthEnv is the variable by which lavapipe (llvmpipe's JIT) picks its SIMD width; Mesa reads
// it when the driver loads, so it must be set before the first Vulkan call. On an AVX-512 CPU, 512
// runs our kernels about 1.4x faster than lavapipe's default 256 (alexnet-small training step).
const vectorWidthEnv = "LP_NATIVE_VECTOR_WIDTH"

// Mesa's on-disk shader cache does not key its entries on LP_NATIVE_VECTOR_WIDTH: a kernel JIT-compiled
// at one width is reused at another (measured: 256-bit code run under 512 at half the speed, and the
// reverse). So each width gets its own cache directory, unless the user chose one.
const (
	cacheDirEnv     = "MESA_SHADER_CACHE_DIR"
	cacheDisableEnv = "MESA_SHADER_CACHE_DISABLE"
)

var (
	lavapipeOnce        sync.Once
	lavapipeNote        string
	lavapipeThreadsNote string
	lavapipeErr         error
)

// configureLavapipe applies the vector width and the worker-thread count (once per process: the
// driver reads them when it loads) and a width-specific shader cache directory.
func configureLavapipe(width string) error {
	lavapipeOnce.Do(func() {
		if width == "" {
			width = "auto"
		}
		_, avx512 := CPUInfo()
		lavapipeNote, lavapipeErr = applyVectorWidth(width, os.Getenv, os.Setenv, avx512)
		if lavapipeErr == nil {
			lavapipeThreadsNote, lavapipeErr = applyThreads(ProcessCPUBudget(), os.Getenv, os.Setenv)
		}
		if lavapipeErr == nil {
			base, err := os.UserCacheDir()
			if err != nil {
				base = os.TempDir()
			}
			lavapipeErr = separateShaderCache(base, os.Getenv, os.Setenv)
		}
	})
	return lavapipeErr
}

// LavapipeNote says what --vector-width did (empty when nothing), for commands to print.
func LavapipeNote() string { return lavapipeNote }

// LavapipeThreadsNote says how many worker threads lavapipe was given (LP_NUM_THREADS) and from
// what CPU budget, for commands to report; empty before the first device is opened.
func LavapipeThreadsNote() string { return lavapipeThreadsNote }

// separateShaderCache points Mesa's shader cache at base/alexnet-vk/mesa-lp<width> unless the user
// set a cache directory or turned the cache off.
func separateShaderCache(base string, getenv func(string) string, setenv func(string, string) error) error {
	if getenv(cacheDirEnv) != "" || getenv(cacheDisableEnv) != "" {
		return nil
	}
	w := getenv(vectorWidthEnv)
	if w == "" {
		w = "native"
	}
	return setenv(cacheDirEnv, filepath.Join(base, "alexnet-vk", "mesa-lp"+w))
}

// vectorWidths are the values of --vector-width.
var vectorWidths = []string{"auto", "256", "512", "native"}

func badVectorWidth(s string) error { return fmt.Errorf("%q: want auto, 256, 512 or native", s) }

// applyVectorWidth sets LP_NATIVE_VECTOR_WIDTH as --vector-width asks, before Vulkan starts, and
// returns a note saying what it did. A value already in the environment always wins: "auto" leaves
// it alone, and an explicit width that disagrees with it is an error rather than a silent choice.
func applyVectorWidth(flag string, getenv func(string) string, setenv func(string, string) error, avx512 bool) (string, error) {
	user := getenv(vectorWidthEnv)
	switch flag {
	case "native":
		return "", nil
	case "auto":
		if user != "" {
			return fmt.Sprintf("%s=%s from the environment (--vector-width auto leaves it)", vectorWidthEnv, user), nil
		}
		if !avx512 {
			return "", nil
		}
		if err := setenv(vectorWidthEnv, "512"); err != nil {
			return "", err
		}
		return fmt.Sprintf("AVX-512 CPU: %s=512 for lavapipe (--vector-width 256 or native to change; a value in the environment wins)", vectorWidthEnv), nil
	case "256", "512":
		if user != "" && user != flag {
			return "", fmt.Errorf("--vector-width %s disagrees with %s=%s in the environment (unset one of them)", flag, vectorWidthEnv, user)
		}
		if err := setenv(vectorWidthEnv, flag); err != nil {
			return "", err
		}
		return fmt.Sprintf("%s=%s (--vector-width)", vectorWidthEnv, flag), nil
	}
	return "", fmt.Errorf("--vector-width %w", badVectorWidth(flag))
}

// CPUL2Bytes returns the size of one core's level-2 cache from Linux's sysfs
// (/sys/devices/system/cpu/cpu0/cache/index*/), or 0 where it cannot tell.
func CPUL2Bytes() int {
	dirs, _ := filepath.Glob("/sys/devices/system/cpu/cpu0/cache/index*")
	for _, d := range dirs {
		level, _ := os.ReadFile(filepath.Join(d, "level"))
		typ, _ := os.ReadFile(filepath.Join(d, "type"))
		size, _ := os.ReadFile(filepath.Join(d, "size"))
		if strings.TrimSpace(string(level)) != "2" || strings.TrimSpace(string(typ)) == "Instruction" {
			continue
		}
		if n, ok := parseCacheSize(strings.TrimSpace(string(size))); ok {
			return n
		}
	}
	return 0
}

// parseCacheSize reads sysfs's cache sizes: "2048K", "1M", or a plain byte count.
func parseCacheSize(s string) (int, bool) {
	mult := 1
	switch {
	case strings.HasSuffix(s, "K"):
		s, mult = strings.TrimSuffix(s, "K"), 1<<10
	case strings.HasSuffix(s, "M"):
		s, mult = strings.TrimSuffix(s, "M"), 1<<20
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return 0, false
	}
	return n * mult, true
}

// CPUInfo returns the CPU's model name and whether it has AVX-512F, from /proc/cpuinfo (empty and
// false where there is none).
func CPUInfo() (model string, avx512 bool) {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "", false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	flags := false
	for sc.Scan() && (model == "" || !flags) {
		key, val, _ := strings.Cut(sc.Text(), ":")
		switch strings.TrimSpace(key) {
		case "model name":
			model = strings.TrimSpace(val)
		case "flags":
			flags = true
			avx512 = slices.Contains(strings.Fields(val), "avx512f")
		}
	}
	return model, avx512
}
