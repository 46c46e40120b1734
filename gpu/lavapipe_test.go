package gpu

import (
	"errors"
	"strings"
	"testing"
)

func TestApplyVectorWidth(t *testing.T) {
	for _, c := range []struct {
		flag, env string
		avx512    bool
		set, note string // set: the value written ("" none); note or error contains note
		fails     bool
	}{
		{"auto", "", true, "512", "AVX-512", false},
		{"auto", "", false, "", "", false},
		{"auto", "256", true, "", "from the environment", false},
		{"native", "", true, "", "", false},
		{"256", "", true, "256", "--vector-width", false},
		{"512", "512", false, "512", "--vector-width", false},
		{"512", "256", true, "", "disagrees with LP_NATIVE_VECTOR_WIDTH=256", true},
		{"wide", "", true, "", `--vector-width "wide"`, true},
	} {
		set := ""
		setenv := func(k, v string) error {
			if k != vectorWidthEnv {
				return errors.New("wrong variable " + k)
			}
			set = v
			return nil
		}
		getenv := func(k string) string {
			if k == vectorWidthEnv {
				return c.env
			}
			return ""
		}
		note, err := applyVectorWidth(c.flag, getenv, setenv, c.avx512)
		msg := note
		if err != nil {
			msg = err.Error()
		}
		if (err != nil) != c.fails || set != c.set || !strings.Contains(msg, c.note) || (c.note == "" && msg != "") {
			t.Errorf("--vector-width %s with env %q, avx512 %v: set %q, note %q, err %v", c.flag, c.env, c.avx512, set, note, err)
		}
	}
}

// Each vector width gets its own Mesa shader cache (Mesa's cache would hand 256-bit code to a 512-bit
// run); a directory or cache switch chosen by the user is left alone.
func TestSeparateShaderCache(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want string // MESA_SHADER_CACHE_DIR set, "" for none
	}{
		{map[string]string{"LP_NATIVE_VECTOR_WIDTH": "512"}, "/c/alexnet-vk/mesa-lp512"},
		{map[string]string{"LP_NATIVE_VECTOR_WIDTH": "256"}, "/c/alexnet-vk/mesa-lp256"},
		{map[string]string{}, "/c/alexnet-vk/mesa-lpnative"},
		{map[string]string{"LP_NATIVE_VECTOR_WIDTH": "512", "MESA_SHADER_CACHE_DIR": "/mine"}, ""},
		{map[string]string{"MESA_SHADER_CACHE_DISABLE": "true"}, ""},
	} {
		got := ""
		err := separateShaderCache("/c", func(k string) string { return c.env[k] }, func(k, v string) error {
			if k != cacheDirEnv {
				t.Fatalf("set %s", k)
			}
			got = v
			return nil
		})
		if err != nil || got != c.want {
			t.Errorf("env %v: set %q (err %v), want %q", c.env, got, err, c.want)
		}
	}
}

func TestParseCacheSize(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int
		ok   bool
	}{{"2048K", 2 << 20, true}, {"1M", 1 << 20, true}, {"262144", 256 << 10, true}, {"", 0, false}, {"K", 0, false}, {"-1K", 0, false}, {"2.5M", 0, false}} {
		got, ok := parseCacheSize(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("parseCacheSize(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}
