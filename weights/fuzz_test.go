package weights

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadSafetensors feeds arbitrary bytes to the reader: it must never panic, and whatever it
// accepts must be self-consistent and survive a write/read round trip bit for bit.
func FuzzReadSafetensors(f *testing.F) {
	for _, name := range []string{"tv_small_logits.safetensors", "dtypes_pyref.safetensors"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	var buf bytes.Buffer
	encodeSafetensors(&buf, []Tensor{
		{Name: "w", Shape: []int{2, 2}, Data: []float32{1, 2, 3, 4}},
		{Name: "n", Shape: []int{1}, Ints: []int64{-5}},
	}, map[string]string{"k": "v"})
	f.Add(buf.Bytes())
	f.Add([]byte{})
	f.Add([]byte("\x02\x00\x00\x00\x00\x00\x00\x00{}"))
	f.Add([]byte("\x10\x00\x00\x00\x00\x00\x00\x00{\"a\":{}}        "))
	f.Fuzz(func(t *testing.T, b []byte) {
		tensors, meta, err := readSafetensors(bytes.NewReader(b), int64(len(b)), "fuzz")
		if err != nil {
			return
		}
		for i := range tensors {
			if n := tensors[i].Numel(); n != len(tensors[i].Data)+len(tensors[i].Ints) {
				t.Fatalf("tensor %q: shape %v but %d+%d values", tensors[i].Name, tensors[i].Shape, len(tensors[i].Data), len(tensors[i].Ints))
			}
		}
		if err := checkForWrite(tensors); err != nil {
			t.Fatalf("read tensors that cannot be written: %v", err)
		}
		var out bytes.Buffer
		if err := encodeSafetensors(&out, tensors, meta); err != nil {
			t.Fatal(err)
		}
		again, meta2, err := readSafetensors(bytes.NewReader(out.Bytes()), int64(out.Len()), "rewritten")
		if err != nil {
			t.Fatalf("cannot read what we wrote: %v", err)
		}
		if d := sameTensors(again, tensors); d != "" {
			t.Fatalf("round trip: %s", d)
		}
		if len(meta2) != len(meta) {
			t.Fatalf("metadata %v became %v", meta, meta2)
		}
	})
}

// FuzzUnpickleStateDict feeds arbitrary pickles to the restricted unpickler: it must never panic,
// and it may only ever return a dict of tensors (or an error).
func FuzzUnpickleStateDict(f *testing.F) {
	for _, p := range []struct{ file, record string }{
		{"tv_small.pth", "tv_small/data.pkl"},
		{"dtypes.pth", "dtypes/data.pkl"},
		{"malicious_stack_global.pth", "archive/data.pkl"},
	} {
		f.Add(readRecord(f, filepath.Join("testdata", p.file), p.record))
	}
	f.Add([]byte(storagePickle("FloatStorage", "0", 2)))
	f.Fuzz(func(t *testing.T, pkl []byte) {
		top, err := unpickleStateDict(pkl, "archive/", nil, 0)
		if err != nil {
			return
		}
		// No storage records exist, so any tensor fails to convert; a success is an empty dict.
		if es, err := stateDictEntries(top); err == nil && len(es) != 0 {
			t.Fatalf("%d tensors without storage records", len(es))
		}
	})
}

// FuzzTensorView checks check and decodeView on arbitrary offsets, sizes and strides over a small storage: it
// must refuse out-of-range views with an error (never panic) and copy in-range ones exactly as the
// formula element(i, j) = storage[offset + i·stride0 + j·stride1] says.
func FuzzTensorView(f *testing.F) {
	f.Add(int64(0), int64(2), int64(3), int64(3), int64(1))
	f.Add(int64(1), int64(3), int64(2), int64(1), int64(3))
	f.Add(int64(5), int64(0), int64(9), int64(1), int64(1))
	f.Add(int64(-1), int64(1), int64(1), int64(1), int64(1))
	f.Add(int64(0), int64(1<<40), int64(1<<40), int64(1), int64(1))
	f.Fuzz(func(t *testing.T, off, s0, s1, st0, st1 int64) {
		const numel = 12
		raw := make([]byte, numel*4)
		for i := range numel {
			binary.LittleEndian.PutUint32(raw[i*4:], math.Float32bits(float32(i)))
		}
		st := &pthStorage{class: storageClasses["FloatStorage"], numel: numel}
		pt := &pthTensor{storage: st, offset: int(off), size: []int{int(s0), int(s1)}, stride: []int{int(st0), int(st1)}}
		if err := pt.check("v"); err != nil {
			return
		}
		var span []byte
		if pt.numel > 0 {
			span = raw[pt.offset*4 : (pt.last+1)*4]
		}
		got := pt.decodeView("v", span, binary.LittleEndian)
		if len(got.Data) != int(s0*s1) {
			t.Fatalf("%d values for size %v", len(got.Data), pt.size)
		}
		for i := range s0 {
			for j := range s1 {
				if want := float32(off + i*st0 + j*st1); got.Data[i*s1+j] != want {
					t.Fatalf("element (%d,%d) = %g, want %g", i, j, got.Data[i*s1+j], want)
				}
			}
		}
	})
}
