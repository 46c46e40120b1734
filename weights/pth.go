package weights

import (
	"archive/zip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/nlpodyssey/gopickle/types"

	"github.com/alexnet-vk/alexnet/internal/regfile"
)

// maxPickleBytes bounds data.pkl: a state_dict's pickle holds names and shapes only (AlexNet's is
// 2 KB; the tensors' bytes are separate records), and what the unpickler builds grows with it.
const maxPickleBytes = 1 << 20

// maxPthBytes bounds the tensors ReadPth decodes when no model says what to expect (ReadPthFor is
// bounded by its model instead): AlexNet's are 244 MB as float32.
const maxPthBytes = 1 << 30

// ReadPth reads a PyTorch state_dict saved with torch.save (PyTorch ≥ 1.6 zip format:
// <archive>/data.pkl, <archive>/data/<key> records, optional <archive>/byteorder), in the
// state_dict's order. The pickle is run by a restricted unpickler: any global beyond
// collections.OrderedDict, torch._utils._rebuild_tensor_v2, torch._utils._rebuild_parameter and
// torch.*Storage fails the load with an *UnsafePickleError, so the file can never run code.
//
// Every view is checked against its storage before any storage byte is read, each storage record
// is read once and only as far as its views reach, and the decoded tensors may not exceed 1 GiB
// (maxPthBytes). To load weights for a known model, use ReadPthFor, which decodes nothing unless
// the names and shapes are the model's.
func ReadPth(file string) ([]Tensor, error) {
	p, err := openPth(file)
	if err != nil {
		return nil, err
	}
	defer p.close()
	ts, err := p.decode(maxPthBytes)
	if err != nil {
		return nil, fmt.Errorf("weights: %s: %w", file, err)
	}
	return ts, nil
}

// ReadPthFor reads file as ReadPth does, but first checks the state_dict's names and shapes against
// want (name → shape, as Match) and returns Match's *MatchError, having decoded nothing, when they
// differ. So no more is decoded than the model's own parameters.
func ReadPthFor(file string, want map[string][]int) ([]Tensor, error) {
	p, err := openPth(file)
	if err != nil {
		return nil, err
	}
	defer p.close()
	if err := Match(p.shapes(), want); err != nil {
		return nil, fmt.Errorf("weights: %s: %w", file, err)
	}
	ts, err := p.decode(math.MaxInt64)
	if err != nil {
		return nil, fmt.Errorf("weights: %s: %w", file, err)
	}
	return ts, nil
}

// PthShapes returns the tensors of a .pth state_dict with their names and shapes only (Data and Ints
// nil), in the state_dict's order, from the pickle alone: no storage record is read. Every view is
// checked as ReadPth checks it.
func PthShapes(file string) ([]Tensor, error) {
	p, err := openPth(file)
	if err != nil {
		return nil, err
	}
	defer p.close()
	return p.shapes(), nil
}

// pthFile is an open .pth whose pickle has been read and checked, its storages not yet.
type pthFile struct {
	f       *os.File
	entries []pthEntry
	order   byteOrder
}

// pthEntry is one state_dict entry: a name and the view it describes.
type pthEntry struct {
	name string
	t    *pthTensor
}

// openPth opens file (a regular file), finds the archive's records, unpickles data.pkl and checks
// every entry's view. Errors name the file.
func openPth(file string) (*pthFile, error) {
	f, fi, err := regfile.Open(file, "a PyTorch .pth file")
	if err != nil {
		return nil, fmt.Errorf("weights: %w", err)
	}
	zr, err := zip.NewReader(f, fi.Size())
	if err != nil {
		f.Close()
		return nil, notZipError(file, err)
	}
	p := &pthFile{f: f}
	if p.entries, p.order, err = readPthZip(zr, fi.Size()); err != nil {
		f.Close()
		var unsafe *UnsafePickleError
		if errors.As(err, &unsafe) {
			unsafe.Path = file
			return nil, unsafe
		}
		return nil, fmt.Errorf("weights: %s: %w", file, err)
	}
	return p, nil
}

func (p *pthFile) close() { p.f.Close() }

// shapes returns the entries as tensors with names and shapes only.
func (p *pthFile) shapes() []Tensor {
	ts := make([]Tensor, len(p.entries))
	for i, e := range p.entries {
		ts[i] = Tensor{Name: e.name, Shape: slices.Clone(e.t.size)}
	}
	return ts
}

// notZipError explains why a file that zip cannot open is not a .pth we read.
func notZipError(file string, zerr error) error {
	f, _, err := regfile.Open(file, "a PyTorch .pth file")
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

// readPthZip finds the archive's records, unpickles data.pkl and returns its entries, each view
// checked against its storage; fileSize bounds what a record may claim to hold.
func readPthZip(zr *zip.Reader, fileSize int64) ([]pthEntry, byteOrder, error) {
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
		return nil, nil, errors.New("no <archive>/data.pkl inside the zip (not written by torch.save?)")
	}
	prefix, _ := path.Split(pklFile.Name)
	if records[prefix+"constants.pkl"] != nil {
		return nil, nil, errors.New("a TorchScript archive (torch.jit.save), not a state_dict; save one with torch.save(model.state_dict(), path)")
	}
	order, err := pthByteOrder(records[prefix+"byteorder"])
	if err != nil {
		return nil, nil, err
	}
	if pklFile.UncompressedSize64 > maxPickleBytes {
		return nil, nil, fmt.Errorf("%s is %d bytes, over the %d-byte limit for a state_dict's pickle", pklFile.Name, pklFile.UncompressedSize64, maxPickleBytes)
	}
	rc, err := pklFile.Open()
	if err != nil {
		return nil, nil, err
	}
	pkl, err := io.ReadAll(io.LimitReader(rc, maxPickleBytes+1))
	rc.Close()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", pklFile.Name, err)
	}
	if len(pkl) > maxPickleBytes {
		return nil, nil, fmt.Errorf("%s holds more than the %d bytes a state_dict's pickle may", pklFile.Name, maxPickleBytes)
	}
	top, err := unpickleStateDict(pkl, prefix, records, fileSize)
	if err != nil {
		var unsafe *UnsafePickleError
		if errors.As(err, &unsafe) {
			return nil, nil, err
		}
		return nil, nil, fmt.Errorf("%s: %w", pklFile.Name, err)
	}
	entries, err := stateDictEntries(top)
	return entries, order, err
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

// stateDictEntries checks that the unpickled value is a dict of name → tensor and that every
// tensor's view fits its storage.
func stateDictEntries(top any) ([]pthEntry, error) {
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
	out := make([]pthEntry, 0, len(entries))
	for _, e := range entries {
		name, ok := e.key.(string)
		if !ok {
			return nil, fmt.Errorf("not a plain state_dict: a key is a %s, want str", pyType(e.key))
		}
		pt, ok := e.value.(*pthTensor)
		if !ok {
			return nil, fmt.Errorf("not a plain state_dict: entry %q holds a %s, not a tensor (for a training checkpoint, torch.save its model's state_dict on its own)", name, pyType(e.value))
		}
		if err := pt.check(name); err != nil {
			return nil, err
		}
		out = append(out, pthEntry{name, pt})
	}
	return out, nil
}
