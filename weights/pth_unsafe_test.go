package weights

import (
	"archive/zip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadPthMaliciousFixtures loads pickles that call os.system("touch weights_pwned_canary") in
// Python: the load must fail naming the global, and nothing may run.
func TestReadPthMaliciousFixtures(t *testing.T) {
	canary := "weights_pwned_canary"
	for _, tc := range []struct {
		file        string
		scanCatches bool // GLOBAL is refused by scanPickle; STACK_GLOBAL by the FindClass hook
	}{
		{"malicious_global.pth", true},
		{"malicious_stack_global.pth", false},
	} {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join("testdata", tc.file)
			_, err := ReadPth(path)
			var ue *UnsafePickleError
			if !errors.As(err, &ue) || ue.Module != "os" || ue.Name != "system" || ue.Path != path {
				t.Fatalf("error %v, want an *UnsafePickleError for os.system in %s", err, path)
			}
			for _, w := range []string{path, "os.system", "not a plain state_dict"} {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if scanErr := scanPickle(readRecord(t, path, "archive/data.pkl")); (scanErr != nil) != tc.scanCatches {
				t.Errorf("scanPickle = %v; want it to catch the global: %v", scanErr, tc.scanCatches)
			}
			for _, dir := range []string{".", os.TempDir(), filepath.Dir(path)} {
				if _, err := os.Stat(filepath.Join(dir, canary)); err == nil {
					t.Errorf("%s exists in %s: the pickle ran", canary, dir)
				}
			}
		})
	}
}

// readRecord returns one record of a zip.
func readRecord(t testing.TB, path, name string) []byte {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	f, err := zr.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReadPthRefusesGlobals(t *testing.T) {
	global := func(module, name string) string { return "\x80\x02c" + module + "\n" + name + "\n)R." }
	stack := func(module, name string) string {
		return "\x80\x04\x8c" + string(rune(len(module))) + module + "\x8c" + string(rune(len(name))) + name + "\x93)R."
	}
	tests := []struct {
		name, pkl, module, global string
	}{
		{"posix.system", global("posix", "system"), "posix", "system"},
		{"builtins.eval", global("builtins", "eval"), "builtins", "eval"},
		{"builtins.exec on the stack", stack("builtins", "exec"), "builtins", "exec"},
		{"subprocess.Popen on the stack", stack("subprocess", "Popen"), "subprocess", "Popen"},
		{"INST opcode", "\x80\x02(ios\nsystem\n.", "os", "system"},
		// Python 2 names gopickle resolves on its own, before any hook: the scan refuses them.
		{"__builtin__.object", global("__builtin__", "object"), "__builtin__", "object"},
		{"copy_reg._reconstructor", global("copy_reg", "_reconstructor"), "copy_reg", "_reconstructor"},
		// torch globals beyond a state_dict's, including one gopickle's own pytorch package allows.
		{"torch.load", global("torch", "load"), "torch", "load"},
		{"torch._utils._rebuild_tensor", global("torch._utils", "_rebuild_tensor"), "torch._utils", "_rebuild_tensor"},
		{"thnn backend", global("torch.nn.backends.thnn", "_get_thnn_function_backend"), "torch.nn.backends.thnn", "_get_thnn_function_backend"},
		{"torch.FloatStorage on the stack, then eval", "\x80\x04\x8c\x05torch\x8c\x0cFloatStorage\x930" + stack("builtins", "eval")[2:], "builtins", "eval"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeZip(t, t.TempDir(), "evil.pth", map[string]string{"archive/data.pkl": tc.pkl})
			_, err := ReadPth(path)
			var ue *UnsafePickleError
			if !errors.As(err, &ue) || ue.Module != tc.module || ue.Name != tc.global || ue.Path != path {
				t.Errorf("error %v, want an *UnsafePickleError for %s.%s in %s", err, tc.module, tc.global, path)
			}
		})
	}
}

func TestReadPthMalformedPickles(t *testing.T) {
	tests := []struct {
		name, pkl, want string
	}{
		{"unknown opcode", "\x80\x02\xff.", "unknown opcode 0xff"},
		{"huge BINBYTES8", "\x80\x04\x8e\xff\xff\xff\xff\xff\xff\xff\x7f.", "claims"},
		{"huge BINUNICODE", "\x80\x02X\xff\xff\xff\xff.", "claims"},
		{"no STOP", "\x80\x02}", "no STOP"},
		{"unterminated GLOBAL", "\x80\x02ccollections", "unterminated"},
		{"truncated BININT", "\x80\x02J\x01", "truncated"},
		// gopickle panics on a bytes key in an OrderedDict; that must come back as an error.
		{"unhashable key", "\x80\x03ccollections\nOrderedDict\n)RC\x01xK\x01s.", "malformed pickle"},
		{"gopickle error", "\x80\x02R.", "archive/data.pkl: the stack is empty"},
		// __builtin__.object reaches gopickle only through STACK_GLOBAL; the result is refused.
		{"bare object", "\x80\x04\x8c\x0b__builtin__\x8c\x06object\x93.", "not a plain state_dict"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeZip(t, t.TempDir(), "bad.pth", map[string]string{"archive/data.pkl": tc.pkl})
			_, err := ReadPth(path)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("error %v, want one naming %s and saying %q", err, path, tc.want)
			}
		})
	}
}
