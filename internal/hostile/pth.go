package hostile

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"os"
)

// PthTensor is one state_dict entry of a .pth that PthZeros writes: a row-major float32 view of
// Shape at element Offset of storage Key.
type PthTensor struct {
	Name   string
	Key    string
	Offset int
	Shape  []int
}

// PthStorage is one storage record: Numel float32 elements as the pickle says, and a record of
// Bytes zero bytes (normally 4·Numel), deflated when Deflate (torch.save stores records
// uncompressed; a deflated one is how a small file holds gigabytes).
type PthStorage struct {
	Key     string
	Numel   int64
	Bytes   int64
	Deflate bool
}

// PthZeros writes a torch.save-style zip (archive/data.pkl, archive/data/<key>) holding a
// state_dict of the given tensors over the given storages of zeros.
func PthZeros(path string, tensors []PthTensor, storages []PthStorage) error {
	numel := map[string]int64{}
	for _, s := range storages {
		numel[s.Key] = s.Numel
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "archive/data.pkl", Method: zip.Store})
	if err != nil {
		return err
	}
	w.Write(statePickle(tensors, numel))
	for _, s := range storages {
		name := "archive/data/" + s.Key
		if !s.Deflate {
			w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
			if err != nil {
				return err
			}
			if _, err := w.Write(make([]byte, s.Bytes)); err != nil {
				return err
			}
			continue
		}
		var raw bytes.Buffer
		if _, err := DeflateZeros(&raw, s.Bytes); err != nil {
			return err
		}
		w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: CRC32Zeros(nil, s.Bytes),
			CompressedSize64: uint64(raw.Len()), UncompressedSize64: uint64(s.Bytes)})
		if err != nil {
			return err
		}
		if _, err := w.Write(raw.Bytes()); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// statePickle returns a protocol-2 pickle of OrderedDict(name → _rebuild_tensor_v2(storage, offset,
// size, stride, False, OrderedDict())), with storages as persistent ids ('storage', FloatStorage,
// key, 'cpu', numel), as torch.save writes them.
func statePickle(tensors []PthTensor, numel map[string]int64) []byte {
	p := []byte{0x80, 2}
	str := func(s string) {
		p = append(p, 'X')
		p = binary.LittleEndian.AppendUint32(p, uint32(len(s)))
		p = append(p, s...)
	}
	integer := func(v int64) {
		p = append(p, 'J')
		p = binary.LittleEndian.AppendUint32(p, uint32(int32(v)))
	}
	tuple := func(vs []int) {
		p = append(p, '(')
		for _, v := range vs {
			integer(int64(v))
		}
		p = append(p, 't')
	}
	orderedDict := func() { p = append(p, "ccollections\nOrderedDict\n)R"...) }
	orderedDict()
	for _, t := range tensors {
		str(t.Name)
		p = append(p, "ctorch._utils\n_rebuild_tensor_v2\n("...)
		p = append(p, '(')
		str("storage")
		p = append(p, "ctorch\nFloatStorage\n"...)
		str(t.Key)
		str("cpu")
		integer(numel[t.Key])
		p = append(p, 't', 'Q')
		integer(int64(t.Offset))
		tuple(t.Shape)
		stride := make([]int, len(t.Shape))
		s := 1
		for d := len(t.Shape) - 1; d >= 0; d-- {
			stride[d] = s
			s *= t.Shape[d]
		}
		tuple(stride)
		p = append(p, 0x89) // NEWFALSE: requires_grad
		orderedDict()       // backward_hooks
		p = append(p, 't', 'R', 's')
	}
	return append(p, '.')
}
