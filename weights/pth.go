package weights

import (
	"archive/zip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"github.com/nlpodyssey/gopickle/types"
)

// maxPickleBytes bounds data.pkl: a state_dict's pickle holds names and shapes only (kilobytes; the
// tensors' bytes are separate records), so a larger one is not a plain state_dict.
const maxPickleBytes = 64 << 20

// ReadPth reads a PyTorch state_dict saved with torch.save (PyTorch ≥ 1.6 zip format:
// <archive>/data.pkl, <archive>/data/<key> records, optional <archive>/byteorder), in the
// state_dict's order. The pickle is run by a restricted unpickler: any global beyond
// collections.OrderedDict, torch._utils._rebuild_tensor_v2, torch._utils._rebuild_parameter and
// torch.*Storage fails the load with an *UnsafePickleError, so the file can never run code.
func ReadPth(file string) ([]Tensor, error) {
	zr, err := zip.OpenReader(file)
	if err != nil {
		return nil, notZipError(file, err)
	}
	defer zr.Close()
	st, err := os.Stat(file)
	if err != nil {
		return nil, fmt.Errorf("weights: %w", err)
	}
	tensors, err := readPthZip(&zr.Reader, st.Size())
	if err != nil {
		var unsafe *UnsafePickleError
		if errors.As(err, &unsafe) {
			unsafe.Path = file
			return nil, unsafe
		}
		return nil, fmt.Errorf("weights: %s: %w", file, err)
	}
	return tensors, nil
}

// notZipError explains why a file that zip cannot open is not a .pth we read.
func notZipError(file string, zerr error) error {
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("weights: %w", err)
	}
	defer f.Close()
	var head [2]byte
	if _, err := io.ReadFull(f, head[:]); err == nil && head[0] == 0x80 {
		// A bare pickle (protocol ≥ 2) is the pre-1.6 torch.save format.
		return fmt.Errorf("weights: %s: legacy (PyTorch < 1.6) torch.save format, not supported; re-save it with PyTorch ≥ 1.6: torch.save(torch.load(f), f2)", file)
	}
	return fmt.Errorf("weights: %s: not a PyTorch .pth file (torch.save writes a zip archive): %v", file, zerr)
}

// readPthZip finds the archive's records, unpickles data.pkl and converts its tensors; fileSize
// bounds what a record may claim to hold.
func readPthZip(zr *zip.Reader, fileSize int64) ([]Tensor, error) {
	records := map[string]*zip.File{}
	var pklFile *zip.File
	for _, f := range zr.File {
		records[f.Name] = f
		// torch.save puts everything in one top-level folder: <archive>/data.pkl.
		if dir, base := path.Split(f.Name); base == "data.pkl" && strings.Count(dir, "/") == 1 && pklFile == nil {
			pklFile = f
		}
	}
	if pklFile == nil {
		return nil, errors.New("no <archive>/data.pkl inside the zip (not written by torch.save?)")
	}
	prefix, _ := path.Split(pklFile.Name)
	if records[prefix+"constants.pkl"] != nil {
		return nil, errors.New("a TorchScript archive (torch.jit.save), not a state_dict; save one with torch.save(model.state_dict(), path)")
	}
	order, err := pthByteOrder(records[prefix+"byteorder"])
	if err != nil {
		return nil, err
	}
	if pklFile.UncompressedSize64 > maxPickleBytes {
		return nil, fmt.Errorf("%s is %d bytes, over the %d-byte limit for a state_dict's pickle", pklFile.Name, pklFile.UncompressedSize64, maxPickleBytes)
	}
	rc, err := pklFile.Open()
	if err != nil {
		return nil, err
	}
	pkl, err := io.ReadAll(io.LimitReader(rc, maxPickleBytes+1))
	rc.Close()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", pklFile.Name, err)
	}
	top, err := unpickleStateDict(pkl, prefix, records, fileSize)
	if err != nil {
		var unsafe *UnsafePickleError
		if errors.As(err, &unsafe) {
			return nil, err
		}
		return nil, fmt.Errorf("%s: %w", pklFile.Name, err)
	}
	return stateDictTensors(top, order)
}

// pthByteOrder reads the optional byteorder record ("little" or "big"; PyTorch ≥ 2.1 writes it,
// older files are little endian).
func pthByteOrder(f *zip.File) (byteOrder, error) {
	if f == nil {
		return binary.LittleEndian, nil
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, 16))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name, err)
	}
	switch strings.TrimSpace(string(b)) {
	case "little":
		return binary.LittleEndian, nil
	case "big":
		return binary.BigEndian, nil
	}
	return nil, fmt.Errorf("%s says %q, want \"little\" or \"big\"", f.Name, b)
}

// stateDictTensors checks that the unpickled value is a dict of name → tensor and converts each.
func stateDictTensors(top any, order byteOrder) ([]Tensor, error) {
	type entry struct {
		key, value any
	}
	var entries []entry
	switch d := top.(type) {
	case *types.OrderedDict:
		for e := d.List.Front(); e != nil; e = e.Next() {
			oe := e.Value.(*types.OrderedDictEntry)
			entries = append(entries, entry{oe.Key, oe.Value})
		}
	case *types.Dict:
		for _, de := range *d {
			entries = append(entries, entry{de.Key, de.Value})
		}
	default:
		return nil, fmt.Errorf("not a plain state_dict: the pickle holds a %s, want a dict of name → tensor", pyType(top))
	}
	tensors := make([]Tensor, 0, len(entries))
	for _, e := range entries {
		name, ok := e.key.(string)
		if !ok {
			return nil, fmt.Errorf("not a plain state_dict: a key is a %s, want str", pyType(e.key))
		}
		pt, ok := e.value.(*pthTensor)
		if !ok {
			return nil, fmt.Errorf("not a plain state_dict: entry %q holds a %s, not a tensor (for a training checkpoint, torch.save its model's state_dict on its own)", name, pyType(e.value))
		}
		t, err := pt.toTensor(name, order)
		if err != nil {
			return nil, err
		}
		tensors = append(tensors, t)
	}
	return tensors, nil
}
