package weights

import (
	"archive/zip"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadPthFixtures(t *testing.T) {
	for _, tc := range []struct{ file, group string }{
		{"tv_small.pth", "tv_small"},         // an OrderedDict with _metadata, as model.state_dict() gives
		{"dtypes.pth", "dtypes"},             // a plain dict: F16, BF16, F64, I64, I32, scalar, empty, views
		{"bigendian.pth", "bigendian"},       // byteorder record "big"
		{"tv_small_missing.pth", "tv_small"}, // checked below for the missing name only
	} {
		t.Run(tc.file, func(t *testing.T) {
			got, err := ReadPth(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			want := expected(t, tc.group)
			if tc.file == "tv_small_missing.pth" {
				delete(want, "classifier.4.bias")
			}
			checkFacts(t, tc.file, got, want)
		})
	}
}

func TestReadPthKeepsStateDictOrder(t *testing.T) {
	got, err := ReadPth(filepath.Join("testdata", "tv_small.pth"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, g := range got {
		names = append(names, g.Name)
	}
	want := "features.0.weight features.0.bias features.3.weight features.3.bias features.6.weight features.6.bias " +
		"features.8.weight features.8.bias features.10.weight features.10.bias classifier.1.weight classifier.1.bias " +
		"classifier.4.weight classifier.4.bias classifier.6.weight classifier.6.bias"
	if strings.Join(names, " ") != want {
		t.Errorf("order %v", names)
	}
}

// TestReadPthMatchesSafetensors checks the two readers agree bit for bit on the same state_dict.
func TestReadPthMatchesSafetensors(t *testing.T) {
	for _, tc := range []struct{ pth, st string }{
		{"tv_small.pth", "tv_small_pyref.safetensors"},
		{"dtypes.pth", "dtypes_pyref.safetensors"},
	} {
		a, err := ReadPth(filepath.Join("testdata", tc.pth))
		if err != nil {
			t.Fatal(err)
		}
		b, _, err := ReadSafetensors(filepath.Join("testdata", tc.st))
		if err != nil {
			t.Fatal(err)
		}
		byName := map[string]Tensor{}
		for _, x := range b {
			byName[x.Name] = x
		}
		for _, x := range a {
			if d := sameTensors([]Tensor{x}, []Tensor{byName[x.Name]}); d != "" {
				t.Errorf("%s vs %s: %s", tc.pth, tc.st, d)
			}
		}
	}
}

func TestReadPthViews(t *testing.T) {
	// dtypes.pth: transposed = randn(4,5).t() (strides (1,5)); view_a = shared[5:15].view(2,5) and
	// view_b = shared[2:8:2] share the storage shared = arange(20)*0.5.
	got, err := ReadPth(filepath.Join("testdata", "dtypes.pth"))
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]Tensor{}
	for _, g := range got {
		m[g.Name] = g
	}
	for _, tc := range []struct {
		name string
		want []float32
	}{
		{"view_a", []float32{2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7}},
		{"view_b", []float32{1, 2, 3}},
	} {
		if d := sameTensors([]Tensor{m[tc.name]}, []Tensor{{Name: tc.name, Shape: m[tc.name].Shape, Data: tc.want}}); d != "" {
			t.Errorf("%s = %v, want %v", tc.name, m[tc.name].Data, tc.want)
		}
	}
}

func TestReadPthRefuses(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"not_a_dict.pth", []string{"not a plain state_dict", "list"}},
		{"bool.pth", []string{`"mask"`, "BOOL", "torch.BoolStorage"}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join("testdata", tc.file)
			_, err := ReadPth(path)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range append(tc.want, path) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestReadPthNotTorchZip(t *testing.T) {
	dir := t.TempDir()
	legacy := filepath.Join(dir, "legacy.pth")
	os.WriteFile(legacy, []byte("\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19.\x80\x02M\xe9\x03."), 0o644)
	junk := filepath.Join(dir, "junk.pth")
	os.WriteFile(junk, []byte("hello"), 0o644)
	script := writeZip(t, dir, "script.pt", map[string]string{"m/data.pkl": "\x80\x02}.", "m/constants.pkl": "\x80\x02)."})
	nopkl := writeZip(t, dir, "nopkl.pth", map[string]string{"m/other": "x"})
	badorder := writeZip(t, dir, "order.pth", map[string]string{"m/data.pkl": "\x80\x02}.", "m/byteorder": "middle"})
	nostorage := writeZip(t, dir, "nostorage.pth", map[string]string{"m/data.pkl": storagePickle("FloatStorage", "0", 4)})
	shortstorage := writeZip(t, dir, "short.pth", map[string]string{"m/data.pkl": storagePickle("FloatStorage", "0", 4), "m/data/0": "12345678"})
	for _, tc := range []struct{ path, want string }{
		{legacy, "legacy"},
		{junk, "not a PyTorch .pth"},
		{script, "TorchScript"},
		{nopkl, "data.pkl"},
		{badorder, "middle"},
		{nostorage, "no record m/data/0"},
		{shortstorage, "holds 8 bytes"},
		{filepath.Join(dir, "absent.pth"), "no such file"},
	} {
		_, err := ReadPth(tc.path)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.path) {
			t.Errorf("%s: error %v, want one naming the file and saying %q", filepath.Base(tc.path), err, tc.want)
		}
	}
}

// storagePickle returns a protocol-2 pickle of {"w": _rebuild_tensor_v2(storage, 0, (numel,), (1,),
// False, OrderedDict())} whose storage record key is key.
func storagePickle(class, key string, numel int) string {
	return "\x80\x02}(X\x01\x00\x00\x00w" +
		"ctorch._utils\n_rebuild_tensor_v2\n((X\x07\x00\x00\x00storage" +
		"ctorch\n" + class + "\n" +
		"X" + string(rune(len(key))) + "\x00\x00\x00" + key + "X\x03\x00\x00\x00cpuK" + string(rune(numel)) + "tQ" +
		"K\x00K" + string(rune(numel)) + "\x85K\x01\x85\x89ccollections\nOrderedDict\n)RtRu."
}

// writeZip writes a zip holding the given records and returns its path.
func writeZip(t *testing.T, dir, name string, records map[string]string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for n, body := range records {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return path
}

func TestReadPthStoragePickle(t *testing.T) {
	// The hand-written pickle helper itself must load when its record is right.
	path := writeZip(t, t.TempDir(), "ok.pth", map[string]string{"m/data.pkl": storagePickle("FloatStorage", "0", 2), "m/data/0": "\x00\x00\x80\x3f\x00\x00\x00\x40"})
	got, err := ReadPth(path)
	if err != nil {
		t.Fatal(err)
	}
	if d := sameTensors(got, []Tensor{{Name: "w", Shape: []int{2}, Data: []float32{1, 2}}}); d != "" {
		t.Errorf("%v: %s", got, d)
	}
}

func TestReadPthMissingKeyMatch(t *testing.T) {
	full, err := ReadPth(filepath.Join("testdata", "tv_small.pth"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]int{}
	for _, x := range full {
		want[x.Name] = x.Shape
	}
	got, err := ReadPth(filepath.Join("testdata", "tv_small_missing.pth"))
	if err != nil {
		t.Fatal(err)
	}
	err = Match(got, want)
	var me *MatchError
	if !errors.As(err, &me) || len(me.Missing) != 1 || me.Missing[0] != "classifier.4.bias" ||
		!strings.Contains(err.Error(), `"classifier.4.bias": missing`) {
		t.Errorf("Match = %v, want classifier.4.bias missing", err)
	}
}

func TestReadPthHostileStorageSize(t *testing.T) {
	// numel = 2^62 FloatStorage elements: numel × 4 wraps to 0 bytes in 64 bits, matching an empty
	// record unless the size check divides.
	pkl := "\x80\x02}(X\x01\x00\x00\x00wctorch._utils\n_rebuild_tensor_v2\n((X\x07\x00\x00\x00storage" +
		"ctorch\nFloatStorage\nX\x01\x00\x00\x000X\x03\x00\x00\x00cpu\x8a\x08\x00\x00\x00\x00\x00\x00\x00\x40tQ" +
		"K\x00K\x02\x85K\x01\x85\x89ccollections\nOrderedDict\n)RtRu."
	path := writeZip(t, t.TempDir(), "huge.pth", map[string]string{"m/data.pkl": pkl, "m/data/0": ""})
	_, err := ReadPth(path)
	if err == nil || !strings.Contains(err.Error(), "holds 0 bytes") {
		t.Errorf("error %v, want a storage size mismatch", err)
	}
}
