package weights

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"sort"

	"github.com/alexnet-vk/alexnet/internal/regfile"
)

// maxHeaderBytes bounds the JSON header (the Rust reference allows 100 MB too); a larger length field
// means a corrupt or foreign file, and refusing it avoids a huge allocation.
const maxHeaderBytes = 100 << 20

// maxSafetensorsBytes bounds what ReadSafetensors decodes (floats as float32, integers as int64),
// checked from the header before any tensor is read: an AlexNet checkpoint with its momenta
// decodes to 0.5 GB, and a sparse file can claim any size at no cost.
const maxSafetensorsBytes = 1 << 30

// stEntry is one tensor's line in a safetensors header.
type stEntry struct {
	name  string
	dt    dtype
	shape []int
	begin int64 // byte offsets into the data section, end exclusive
	end   int64
}

// ReadSafetensors reads every tensor of a safetensors file, in the order of their data in the file,
// converting floating-point dtypes to float32, and returns the header's __metadata__ (nil if none).
func ReadSafetensors(path string) ([]Tensor, map[string]string, error) {
	f, st, err := regfile.Open(path, "a .safetensors file")
	if err != nil {
		return nil, nil, fmt.Errorf("weights: %w", err)
	}
	defer f.Close()
	return readSafetensors(f, st.Size(), path)
}

// readSafetensors parses and validates a safetensors file of size bytes read through r; name is the
// file's path for error messages.
func readSafetensors(r io.ReaderAt, size int64, name string) ([]Tensor, map[string]string, error) {
	fail := func(format string, a ...any) error {
		return fmt.Errorf("weights: safetensors file %s: %s", name, fmt.Sprintf(format, a...))
	}
	if size < 8 {
		return nil, nil, fail("%d bytes, too short for the 8-byte header length (truncated, or not safetensors?)", size)
	}
	var lenBuf [8]byte
	if _, err := r.ReadAt(lenBuf[:], 0); err != nil {
		return nil, nil, fail("reading the header length: %v", err)
	}
	n := binary.LittleEndian.Uint64(lenBuf[:])
	if n > uint64(size-8) {
		return nil, nil, fail("header length %d exceeds the %d bytes after the length field (truncated, or not safetensors?)", n, size-8)
	}
	if n > maxHeaderBytes {
		return nil, nil, fail("header length %d exceeds the %d-byte limit (corrupt, or not safetensors?)", n, maxHeaderBytes)
	}
	header := make([]byte, n)
	if _, err := r.ReadAt(header, 8); err != nil {
		return nil, nil, fail("reading the %d-byte header: %v", n, err)
	}
	entries, meta, err := parseHeader(header)
	if err != nil {
		return nil, nil, fail("%v", err)
	}
	dataStart := 8 + int64(n)
	if err := checkEntries(entries, size-dataStart); err != nil {
		return nil, nil, fail("%v", err)
	}
	var need int64
	for _, e := range entries {
		per := int64(4)
		if !e.dt.float {
			per = 8
		}
		if need += (e.end - e.begin) / int64(e.dt.size) * per; need > maxSafetensorsBytes {
			return nil, nil, fail("its tensors decode to more than %d MiB, the limit of this reader", maxSafetensorsBytes>>20)
		}
	}
	tensors := make([]Tensor, len(entries))
	for i, e := range entries {
		raw := make([]byte, e.end-e.begin)
		if _, err := r.ReadAt(raw, dataStart+e.begin); err != nil {
			return nil, nil, fail("tensor %q: reading %d bytes: %v", e.name, len(raw), err)
		}
		tensors[i] = Tensor{Name: e.name, Shape: e.shape}
		decodeInto(&tensors[i], e.dt, raw, len(raw)/e.dt.size, binary.LittleEndian)
	}
	return tensors, meta, nil
}

// rawEntry is a header entry as JSON spells it; pointers tell a missing field from a zero one.
type rawEntry struct {
	DType   *string  `json:"dtype"`
	Shape   *[]int64 `json:"shape"`
	Offsets *[]int64 `json:"data_offsets"`
}

// parseHeader decodes the JSON header, keeping the tensors' order and refusing repeated names,
// unknown dtypes, negative dimensions and malformed offsets.
func parseHeader(header []byte) ([]stEntry, map[string]string, error) {
	dec := json.NewDecoder(bytes.NewReader(header))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, nil, errors.New("header is not a JSON object")
	}
	var entries []stEntry
	var meta map[string]string
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, fmt.Errorf("header JSON: %v", err)
		}
		key := tok.(string) // object keys are always strings once Token succeeded
		if seen[key] {
			return nil, nil, fmt.Errorf("header names %q twice", key)
		}
		seen[key] = true
		if key == "__metadata__" {
			if err := dec.Decode(&meta); err != nil {
				return nil, nil, fmt.Errorf("__metadata__ must map strings to strings: %v", err)
			}
			continue
		}
		var raw rawEntry
		if err := dec.Decode(&raw); err != nil {
			return nil, nil, fmt.Errorf("tensor %q: header entry: %v", key, err)
		}
		e, err := checkRawEntry(key, raw)
		if err != nil {
			return nil, nil, err
		}
		entries = append(entries, e)
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, fmt.Errorf("header JSON: %v", err)
	}
	// Anything but the spaces that pad the header to 8 bytes is corruption.
	if len(bytes.TrimRight(header[dec.InputOffset():], " \t\r\n")) != 0 {
		return nil, nil, errors.New("header has bytes after its JSON object (only space padding is allowed)")
	}
	return entries, meta, nil
}

// checkRawEntry validates one header entry's fields and converts them.
func checkRawEntry(name string, raw rawEntry) (stEntry, error) {
	if raw.DType == nil || raw.Shape == nil || raw.Offsets == nil {
		return stEntry{}, fmt.Errorf("tensor %q: header entry needs dtype, shape and data_offsets", name)
	}
	dt, ok := dtypes[*raw.DType]
	if !ok {
		return stEntry{}, fmt.Errorf("tensor %q: dtype %s is not supported (this reader takes F32, F16, BF16, F64, I64, I32)", name, *raw.DType)
	}
	shape := make([]int, len(*raw.Shape))
	for i, d := range *raw.Shape {
		if d < 0 {
			return stEntry{}, fmt.Errorf("tensor %q: shape %v has a negative dimension", name, *raw.Shape)
		}
		shape[i] = int(d)
	}
	off := *raw.Offsets
	if len(off) != 2 || off[0] < 0 || off[1] < off[0] {
		return stEntry{}, fmt.Errorf("tensor %q: data_offsets %v must be [begin, end] with 0 <= begin <= end", name, off)
	}
	return stEntry{name: name, dt: dt, shape: shape, begin: off[0], end: off[1]}, nil
}

// checkEntries sorts entries into file order and checks that each lies inside the dataLen-byte data
// section, that none overlap, and that each spans exactly numel × element size bytes.
func checkEntries(entries []stEntry, dataLen int64) error {
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].begin < entries[j].begin })
	var prevEnd int64
	prevName := ""
	for _, e := range entries {
		if e.end > dataLen {
			return fmt.Errorf("tensor %q: data_offsets [%d, %d] run past the %d-byte data section (truncated file?)", e.name, e.begin, e.end, dataLen)
		}
		if e.begin < prevEnd {
			return fmt.Errorf("tensor %q: data_offsets [%d, %d] overlap tensor %q, which ends at %d", e.name, e.begin, e.end, prevName, prevEnd)
		}
		prevEnd, prevName = e.end, e.name
		want, ok := byteLen(e.shape, e.dt.size)
		if !ok || want != uint64(e.end-e.begin) {
			return fmt.Errorf("tensor %q: shape %v of %s needs %s bytes but data_offsets [%d, %d] span %d", e.name, e.shape, e.dt.name, fmtBytes(want, ok), e.begin, e.end, e.end-e.begin)
		}
	}
	return nil
}

// byteLen returns product(shape) × size, with ok false when it overflows 63 bits.
func byteLen(shape []int, size int) (uint64, bool) {
	n := uint64(size)
	for _, d := range shape {
		hi, lo := bits.Mul64(n, uint64(d))
		if hi != 0 || lo > 1<<62 {
			return 0, false
		}
		n = lo
	}
	return n, true
}

// fmtBytes prints a byte count, or "more than 2^62" when byteLen overflowed.
func fmtBytes(n uint64, ok bool) string {
	if !ok {
		return "more than 2^62"
	}
	return fmt.Sprint(n)
}
