package weights

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
)

// WriteSafetensors writes tensors, in the given order, to a safetensors file at path, atomically
// (the previous file survives any failure): float tensors as F32 and integer tensors as I64, little
// endian, with meta as the header's __metadata__ (omitted when empty).
func WriteSafetensors(path string, tensors []Tensor, meta map[string]string) error {
	if err := checkForWrite(tensors); err != nil {
		return fmt.Errorf("weights: write %s: %w", path, err)
	}
	return writeAtomic(path, func(w io.Writer) error { return encodeSafetensors(w, tensors, meta) })
}

// encodeSafetensors writes the file's bytes for tensors that checkForWrite accepted.
func encodeSafetensors(w io.Writer, tensors []Tensor, meta map[string]string) error {
	header := encodeHeader(tensors, meta)
	var lenBuf [8]byte
	binary.LittleEndian.PutUint64(lenBuf[:], uint64(len(header)))
	if _, err := w.Write(lenBuf[:]); err != nil {
		return err
	}
	if _, err := w.Write(header); err != nil {
		return err
	}
	for i := range tensors {
		if err := writeData(w, &tensors[i]); err != nil {
			return err
		}
	}
	return nil
}

// checkForWrite refuses what would make an invalid file: empty, reserved or repeated names,
// negative dimensions, both or a wrong number of elements.
func checkForWrite(tensors []Tensor) error {
	seen := map[string]bool{}
	for i := range tensors {
		t := &tensors[i]
		switch {
		case t.Name == "":
			return fmt.Errorf("tensor #%d has an empty name", i)
		case t.Name == "__metadata__":
			return fmt.Errorf("tensor #%d: the name __metadata__ is reserved by the format", i)
		case seen[t.Name]:
			return fmt.Errorf("tensor %q appears twice", t.Name)
		case t.Data != nil && t.Ints != nil:
			return fmt.Errorf("tensor %q has both Data and Ints; set one", t.Name)
		}
		seen[t.Name] = true
		for _, d := range t.Shape {
			if d < 0 {
				return fmt.Errorf("tensor %q: shape %v has a negative dimension", t.Name, t.Shape)
			}
		}
		if n, have := t.Numel(), max(len(t.Data), len(t.Ints)); n != have {
			return fmt.Errorf("tensor %q: shape %v holds %d elements but it has %d values", t.Name, t.Shape, n, have)
		}
	}
	return nil
}

// encodeHeader returns the JSON header padded with spaces so that the data starts 8-byte aligned
// (8 + len(header) is a multiple of 8), as the format recommends.
func encodeHeader(tensors []Tensor, meta map[string]string) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	if len(meta) > 0 {
		keys := make([]string, 0, len(meta))
		for k := range meta {
			keys = append(keys, k)
		}
		sort.Strings(keys) // deterministic bytes for the same input
		b.WriteString(`"__metadata__":{`)
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(&b, k)
			b.WriteByte(':')
			writeJSONString(&b, meta[k])
		}
		b.WriteByte('}')
	}
	var offset int64
	for i := range tensors {
		t := &tensors[i]
		if i > 0 || len(meta) > 0 {
			b.WriteByte(',')
		}
		dt := "F32"
		if t.Ints != nil {
			dt = "I64"
		}
		size := int64(t.Numel()) * int64(dtypes[dt].size)
		writeJSONString(&b, t.Name)
		fmt.Fprintf(&b, `:{"dtype":%q,"shape":[`, dt)
		for j, d := range t.Shape {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(d))
		}
		fmt.Fprintf(&b, `],"data_offsets":[%d,%d]}`, offset, offset+size)
		offset += size
	}
	b.WriteByte('}')
	for b.Len()%8 != 0 {
		b.WriteByte(' ')
	}
	return b.Bytes()
}

// writeJSONString writes s as a JSON string literal.
func writeJSONString(b *bytes.Buffer, s string) {
	q, _ := json.Marshal(s) // marshalling a string cannot fail
	b.Write(q)
}

// writeData writes a tensor's values little endian, in chunks to bound the extra memory.
func writeData(w io.Writer, t *Tensor) error {
	const chunk = 16384
	var buf [chunk * 8]byte
	for start := 0; start < max(len(t.Data), len(t.Ints)); start += chunk {
		var n int
		if t.Ints != nil {
			end := min(start+chunk, len(t.Ints))
			for i, v := range t.Ints[start:end] {
				binary.LittleEndian.PutUint64(buf[i*8:], uint64(v))
			}
			n = (end - start) * 8
		} else {
			end := min(start+chunk, len(t.Data))
			for i, v := range t.Data[start:end] {
				binary.LittleEndian.PutUint32(buf[i*4:], math.Float32bits(v))
			}
			n = (end - start) * 4
		}
		if _, err := w.Write(buf[:n]); err != nil {
			return err
		}
	}
	return nil
}
