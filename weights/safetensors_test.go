package weights

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSafetensorsRoundTrip(t *testing.T) {
	nan := float32(math.NaN())
	tests := []struct {
		name    string
		tensors []Tensor
		meta    map[string]string
	}{
		{"empty file", nil, nil},
		{"metadata only", nil, map[string]string{"epoch": "3"}},
		{"one matrix", []Tensor{{Name: "w", Shape: []int{2, 3}, Data: []float32{1, -2, 3.5, 0, 1e-30, 6}}}, nil},
		{"scalar and empty", []Tensor{
			{Name: "s", Shape: []int{}, Data: []float32{2.5}},
			{Name: "e", Shape: []int{3, 0}, Data: []float32{}},
		}, map[string]string{"a": "b"}},
		{"specials keep their bits", []Tensor{{Name: "x", Shape: []int{5}, Data: []float32{nan, float32(math.Inf(-1)), float32(math.Copysign(0, -1)), math.MaxFloat32, math.SmallestNonzeroFloat32}}}, nil},
		{"ints and floats, order kept", []Tensor{
			{Name: "z.last", Shape: []int{1}, Data: []float32{9}},
			{Name: "steps", Shape: []int{2}, Ints: []int64{-1, 1 << 40}},
			{Name: "a.first", Shape: []int{1, 1, 1}, Data: []float32{7}},
		}, map[string]string{"format": "pt", "quote\"and\\slash": "ünïcode\n"}},
		{"odd name lengths pad the header", []Tensor{{Name: "features.0.weight", Shape: []int{4, 3, 11, 11}, Data: make([]float32, 4*3*121)}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "w.safetensors")
			if err := WriteSafetensors(path, tc.tensors, tc.meta); err != nil {
				t.Fatal(err)
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if n := binary.LittleEndian.Uint64(raw); (8+n)%8 != 0 {
				t.Errorf("header length %d leaves the data unaligned", n)
			}
			got, meta, err := ReadSafetensors(path)
			if err != nil {
				t.Fatal(err)
			}
			if d := sameTensors(got, tc.tensors); d != "" {
				t.Errorf("round trip: %s", d)
			}
			if len(meta) != len(tc.meta) {
				t.Errorf("metadata %v, want %v", meta, tc.meta)
			}
			for k, v := range tc.meta {
				if meta[k] != v {
					t.Errorf("metadata[%q] = %q, want %q", k, meta[k], v)
				}
			}
		})
	}
}

// TestSafetensorsPythonLayout reads files laid out as Python's safetensors writes them (data sorted by
// dtype size then name, every dtype we convert) and checks them against PyTorch's own values.
func TestSafetensorsPythonLayout(t *testing.T) {
	for _, tc := range []struct{ file, group string }{
		{"tv_small_pyref.safetensors", "tv_small"},
		{"dtypes_pyref.safetensors", "dtypes"},
		{"tv_small_logits.safetensors", "tv_small_logits"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			got, _, err := ReadSafetensors(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			checkFacts(t, tc.file, got, expected(t, tc.group))
		})
	}
}

func TestSafetensorsFileOrderIsDataOrder(t *testing.T) {
	// The header lists b before a, but a's bytes come first: file order follows the data.
	header := `{"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`
	path := writeRaw(t, header, 8)
	got, _, err := ReadSafetensors(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Name != "a" || got[1].Name != "b" {
		t.Errorf("order %v, want [a b]", got)
	}
}

// writeRaw writes a safetensors file with the given header and dataLen zero bytes of data.
func writeRaw(t *testing.T, header string, dataLen int) string {
	t.Helper()
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, uint64(len(header)))
	b.WriteString(header)
	b.Write(make([]byte, dataLen))
	path := filepath.Join(t.TempDir(), "bad.safetensors")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSafetensorsCorrupt(t *testing.T) {
	entry := func(name, dtype, shape, offsets string) string {
		return `"` + name + `":{"dtype":"` + dtype + `","shape":` + shape + `,"data_offsets":` + offsets + `}`
	}
	tests := []struct {
		name    string
		header  string
		dataLen int
		want    []string // substrings of the error besides the file name
	}{
		{"not json", "this is not json", 0, []string{"not a JSON object"}},
		{"json array", "[1,2]", 0, []string{"not a JSON object"}},
		{"name twice", "{" + entry("w", "F32", "[1]", "[0,4]") + "," + entry("w", "F32", "[1]", "[4,8]") + "}", 8, []string{`"w" twice`}},
		{"unsupported dtype", "{" + entry("mask", "BOOL", "[2]", "[0,2]") + "}", 2, []string{`"mask"`, "BOOL"}},
		{"unknown dtype", "{" + entry("q", "F8_E4M3", "[2]", "[0,2]") + "}", 2, []string{`"q"`, "F8_E4M3"}},
		{"negative dim", "{" + entry("w", "F32", "[-1]", "[0,4]") + "}", 4, []string{`"w"`, "negative"}},
		{"offsets reversed", "{" + entry("w", "F32", "[1]", "[4,0]") + "}", 4, []string{`"w"`, "data_offsets"}},
		{"offsets past end", "{" + entry("w", "F32", "[4]", "[0,16]") + "}", 8, []string{`"w"`, "past", "truncated"}},
		{"overlap", "{" + entry("a", "F32", "[2]", "[0,8]") + "," + entry("b", "F32", "[2]", "[4,12]") + "}", 12, []string{`"b"`, `"a"`, "overlap"}},
		{"shape vs bytes", "{" + entry("w", "F32", "[3]", "[0,8]") + "}", 8, []string{`"w"`, "[3]", "12 bytes", "span 8"}},
		{"shape overflows", "{" + entry("w", "F64", "[4294967296,4294967296]", "[0,8]") + "}", 8, []string{`"w"`, "2^62"}},
		{"missing field", `{"w":{"dtype":"F32","shape":[1]}}`, 4, []string{`"w"`, "data_offsets"}},
		{"metadata not strings", `{"__metadata__":{"epoch":3}}`, 0, []string{"__metadata__"}},
		{"trailing bytes", `{}xyz`, 0, []string{"after its JSON object"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeRaw(t, tc.header, tc.dataLen)
			_, _, err := ReadSafetensors(path)
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

func TestSafetensorsTruncated(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("testdata", "tv_small_pyref.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	n := int(binary.LittleEndian.Uint64(good))
	for _, tc := range []struct {
		name string
		keep int
		want string
	}{
		{"empty", 0, "too short"},
		{"half the length field", 4, "too short"},
		{"inside the header", 8 + n/2, "exceeds"},
		{"one data byte short", len(good) - 1, "truncated"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "cut.safetensors")
			if err := os.WriteFile(path, good[:tc.keep], 0o644); err != nil {
				t.Fatal(err)
			}
			_, _, err := ReadSafetensors(path)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("error %v, want one naming %s and saying %q", err, path, tc.want)
			}
		})
	}
	_, _, err = ReadSafetensors(filepath.Join(t.TempDir(), "absent.safetensors"))
	if err == nil || !strings.Contains(err.Error(), "absent.safetensors") {
		t.Errorf("missing file: error %v, want one naming the file", err)
	}
}

func TestWriteSafetensorsRefuses(t *testing.T) {
	tests := []struct {
		name    string
		tensors []Tensor
		want    string
	}{
		{"empty name", []Tensor{{Shape: []int{1}, Data: []float32{1}}}, "empty name"},
		{"reserved name", []Tensor{{Name: "__metadata__", Shape: []int{1}, Data: []float32{1}}}, "reserved"},
		{"repeated name", []Tensor{{Name: "w", Shape: []int{1}, Data: []float32{1}}, {Name: "w", Shape: []int{1}, Data: []float32{2}}}, `"w" appears twice`},
		{"too few values", []Tensor{{Name: "w", Shape: []int{2, 2}, Data: []float32{1, 2, 3}}}, `"w": shape [2 2] holds 4 elements but it has 3`},
		{"negative dim", []Tensor{{Name: "w", Shape: []int{-1}}}, "negative"},
		{"both kinds", []Tensor{{Name: "w", Shape: []int{1}, Data: []float32{1}, Ints: []int64{1}}}, "both"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "w.safetensors")
			err := WriteSafetensors(path, tc.tensors, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("error %v, want one naming %s and saying %q", err, path, tc.want)
			}
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Errorf("a refused write left %s behind", path)
			}
		})
	}
}
