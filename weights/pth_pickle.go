package weights

import (
	"archive/zip"
	"bytes"
	"fmt"

	"github.com/nlpodyssey/gopickle/pickle"
	"github.com/nlpodyssey/gopickle/types"
)

// UnsafePickleError reports a pickle global that a plain state_dict never needs; the load stops
// there, before anything is built from it.
type UnsafePickleError struct {
	Path, Module, Name string
}

// Error names the file and the global and says what is allowed.
func (e *UnsafePickleError) Error() string {
	return fmt.Sprintf("weights: %s: the pickle references the global %s.%s, which a plain state_dict never needs; "+
		"refusing to load it (the file is not a plain state_dict, or it was made to run code). "+
		"Allowed: collections.OrderedDict, torch._utils._rebuild_tensor_v2, torch._utils._rebuild_parameter, torch.*Storage",
		e.Path, e.Module, e.Name)
}

// storageClass is a torch.*Storage global: the element type of the storages that name it.
type storageClass struct {
	torchName string // "FloatStorage"
	dtype     string // our spelling, "F32"; those missing from dtypes are refused at conversion
	size      int    // bytes per element, to check the storage's bytes even for refused dtypes
}

// storageClasses are the legacy typed-storage globals torch.save still writes into pickles.
var storageClasses = map[string]*storageClass{}

func init() {
	for _, s := range []storageClass{
		{"FloatStorage", "F32", 4}, {"HalfStorage", "F16", 2}, {"BFloat16Storage", "BF16", 2},
		{"DoubleStorage", "F64", 8}, {"LongStorage", "I64", 8}, {"IntStorage", "I32", 4},
		{"ShortStorage", "I16", 2}, {"CharStorage", "I8", 1}, {"ByteStorage", "U8", 1},
		{"BoolStorage", "BOOL", 1}, {"ComplexFloatStorage", "C64", 8}, {"ComplexDoubleStorage", "C128", 16},
	} {
		storageClasses[s.torchName] = &s
	}
}

// isAllowedGlobal reports whether module.name is one of the globals a state_dict pickle needs.
func isAllowedGlobal(module, name string) bool {
	switch module + "." + name {
	case "collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter":
		return true
	}
	return module == "torch" && storageClasses[name] != nil
}

// findClass is the unpickler's only source of globals: inert Go values for the allowed ones, an
// *UnsafePickleError for everything else. (gopickle resolves collections.OrderedDict itself, and
// the Python 2 names __builtin__.object and copy_reg._reconstructor, which only build inert Go
// values; scanPickle refuses those when named by GLOBAL, and readPickle refuses any result that is
// not a dict of tensors.)
func findClass(module, name string) (any, error) {
	switch {
	case module == "torch._utils" && name == "_rebuild_tensor_v2":
		return rebuildTensorV2{}, nil
	case module == "torch._utils" && name == "_rebuild_parameter":
		return rebuildParameter{}, nil
	case module == "torch" && storageClasses[name] != nil:
		return storageClasses[name], nil
	}
	return nil, &UnsafePickleError{Module: module, Name: name}
}

// pthStorage is one storage record of the zip, read only when its tensors are decoded.
type pthStorage struct {
	class *storageClass
	key   string
	numel int
	file  *zip.File
	limit int64 // size of the .pth file: a stored record cannot hold more
}

// pthTensor is what _rebuild_tensor_v2 describes: a strided view of a storage. check fills dt,
// numel and last.
type pthTensor struct {
	storage      *pthStorage
	offset       int   // in elements
	size, stride []int // stride in elements
	dt           dtype
	numel        int // elements of the view
	last         int // storage index of its last element
}

// rebuildTensorV2 stands for torch._utils._rebuild_tensor_v2(storage, storage_offset, size,
// stride, requires_grad, backward_hooks[, metadata]); it records the view and runs nothing.
type rebuildTensorV2 struct{}

// Call builds a *pthTensor from the pickled arguments.
func (rebuildTensorV2) Call(args ...any) (any, error) {
	if len(args) != 6 && len(args) != 7 {
		return nil, fmt.Errorf("_rebuild_tensor_v2 called with %d arguments, want 6 or 7", len(args))
	}
	storage, ok1 := args[0].(*pthStorage)
	offset, ok2 := args[1].(int)
	size, ok3 := intTuple(args[2])
	stride, ok4 := intTuple(args[3])
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return nil, fmt.Errorf("_rebuild_tensor_v2 called with (%s, %s, %s, %s, ...), want (storage, int, tuple of ints, tuple of ints, ...)",
			pyType(args[0]), pyType(args[1]), pyType(args[2]), pyType(args[3]))
	}
	return &pthTensor{storage: storage, offset: offset, size: size, stride: stride}, nil
}

// rebuildParameter stands for torch._utils._rebuild_parameter(data, requires_grad, backward_hooks):
// a Parameter is its data tensor for our purposes.
type rebuildParameter struct{}

// Call returns the data tensor.
func (rebuildParameter) Call(args ...any) (any, error) {
	if len(args) != 3 {
		return nil, fmt.Errorf("_rebuild_parameter called with %d arguments, want 3", len(args))
	}
	t, ok := args[0].(*pthTensor)
	if !ok {
		return nil, fmt.Errorf("_rebuild_parameter called with a %s, want a tensor", pyType(args[0]))
	}
	return t, nil
}

// intTuple converts a pickled tuple of ints.
func intTuple(v any) ([]int, bool) {
	t, ok := v.(*types.Tuple)
	if !ok {
		return nil, false
	}
	out := make([]int, t.Len())
	for i := range out {
		if out[i], ok = t.Get(i).(int); !ok {
			return nil, false
		}
	}
	return out, true
}

// unpickleStateDict runs the restricted unpickler over data.pkl; storage records are looked up as
// prefix+"data/"+key in records, in a .pth file of fileSize bytes.
func unpickleStateDict(pkl []byte, prefix string, records map[string]*zip.File, fileSize int64) (result any, err error) {
	if err := scanPickle(pkl); err != nil {
		return nil, err
	}
	// gopickle is not hardened against hostile input (e.g. unhashable dict keys panic); a panic here
	// is a malformed file, not a bug of ours.
	defer func() {
		if p := recover(); p != nil {
			result, err = nil, fmt.Errorf("malformed pickle (%v)", p)
		}
	}()
	storages := map[string]*pthStorage{}
	u := pickle.NewUnpickler(bytes.NewReader(pkl))
	u.FindClass = findClass
	u.PersistentLoad = func(pid any) (any, error) {
		t, ok := pid.(*types.Tuple)
		if !ok || t.Len() != 5 || t.Get(0) != "storage" {
			return nil, fmt.Errorf("persistent id %s is not a ('storage', type, key, location, numel) tuple", pyType(pid))
		}
		class, ok1 := t.Get(1).(*storageClass)
		key, ok2 := t.Get(2).(string)
		numel, ok3 := t.Get(4).(int)
		if !ok1 || !ok2 || !ok3 || numel < 0 {
			return nil, fmt.Errorf("persistent id ('storage', %s, %s, _, %s) malformed", pyType(t.Get(1)), pyType(t.Get(2)), pyType(t.Get(4)))
		}
		if s, ok := storages[key]; ok {
			if s.class != class || s.numel != numel {
				return nil, fmt.Errorf("storage %q is described twice, differently", key)
			}
			return s, nil
		}
		f, ok := records[prefix+"data/"+key]
		if !ok {
			return nil, fmt.Errorf("storage %q: no record %sdata/%s in the zip", key, prefix, key)
		}
		s := &pthStorage{class: class, key: key, numel: numel, file: f, limit: fileSize}
		storages[key] = s
		return s, nil
	}
	return u.Load()
}

// pyType names the Python type behind an unpickled value, for error messages.
func pyType(v any) string {
	switch v.(type) {
	case nil:
		return "None"
	case *pthTensor:
		return "tensor"
	case *pthStorage:
		return "storage"
	case *storageClass:
		return "storage class"
	case string:
		return "str"
	case int:
		return "int"
	case float64:
		return "float"
	case bool:
		return "bool"
	case *types.Tuple:
		return "tuple"
	case *types.List:
		return "list"
	case *types.Dict, *types.OrderedDict:
		return "dict"
	}
	return fmt.Sprintf("%T", v)
}
