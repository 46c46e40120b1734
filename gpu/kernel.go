package gpu

/*
#include "vkc.h"
*/
import "C"

import (
	"fmt"
	"math"
	"unsafe"
)

// Access says how a kernel uses one of its buffer arguments; the sequence derives barriers from it.
type Access uint8

const (
	Read Access = 1 << iota
	Write
	ReadWrite = Read | Write
)

// KernelSpec describes a compute kernel: its SPIR-V and its push-constant block, which holds one
// 64-bit device address per buffer argument (in argument order, binding order = argument order) followed
// by Scalars 4-byte values (uint, int or float).
type KernelSpec struct {
	Name    string
	SPIRV   []byte
	Bufs    []Access
	Scalars int
}

// PushSize is the size in bytes of the kernel's push-constant block.
func (k KernelSpec) PushSize() int { return 8*len(k.Bufs) + 4*k.Scalars }

// PortablePushLimit is the push-constant size every Vulkan device supports; kernels stay within it.
const PortablePushLimit = 128

// Kernel is a compute pipeline ready to dispatch.
type Kernel struct {
	KernelSpec
	dev *Device
	k   C.vkc_kernel
}

// NewKernel creates the pipeline for spec.
func (d *Device) NewKernel(spec KernelSpec) (*Kernel, error) {
	if len(spec.SPIRV) < 20 || len(spec.SPIRV)%4 != 0 || *(*uint32)(unsafe.Pointer(&spec.SPIRV[0])) != 0x07230203 {
		return nil, fmt.Errorf("gpu: kernel %q: not SPIR-V (%d bytes; run `make shaders`)", spec.Name, len(spec.SPIRV))
	}
	got, err := PushConstantSize(spec.SPIRV)
	if err != nil {
		return nil, fmt.Errorf("gpu: kernel %q: %v", spec.Name, err)
	}
	if want := spec.PushSize(); got != want {
		return nil, fmt.Errorf("gpu: kernel %q: the shader's push constants take %d bytes but the Go side passes %d (%d buffers, %d scalars)", spec.Name, got, want, len(spec.Bufs), spec.Scalars)
	}
	if ps := spec.PushSize(); ps > PortablePushLimit || ps > d.Info.MaxPushConstantsSize {
		return nil, fmt.Errorf("gpu: kernel %q: push constants of %d bytes exceed the portable limit of %d", spec.Name, ps, PortablePushLimit)
	}
	// The SPIR-V must stay in C memory for the call (cgo forbids passing Go memory that holds pointers;
	// a byte slice holds none, so passing it directly is fine).
	k := &Kernel{KernelSpec: spec, dev: d}
	if rc := C.vkc_kernel_create(d.d, unsafe.Pointer(&spec.SPIRV[0]), C.size_t(len(spec.SPIRV)), C.uint32_t(spec.PushSize()), &k.k); rc != 0 {
		return nil, vkError(fmt.Sprintf("creating kernel %q", spec.Name), rc)
	}
	return k, nil
}

// Free destroys the pipeline.
func (k *Kernel) Free() {
	if k == nil || k.k.pipe == nil {
		return
	}
	C.vkc_kernel_destroy(k.dev.d, &k.k)
}

// Arg is a buffer argument of a dispatch: a *Buffer or a Ref into one.
type Arg interface{ ref() Ref }

// Ref is a byte offset into a buffer, passed to a kernel as address+offset.
type Ref struct {
	B   *Buffer
	Off int64
}

func (r Ref) ref() Ref             { return r }
func (b *Buffer) ref() Ref         { return Ref{B: b} }
func (b *Buffer) At(off int64) Ref { return Ref{B: b, Off: off} }

// pushBytes encodes the addresses of args and the scalars into the kernel's push-constant block.
func (k *Kernel) pushBytes(args []Arg, scalars []any) []byte {
	if len(args) != len(k.Bufs) || len(scalars) != k.Scalars {
		panic(fmt.Sprintf("gpu: kernel %q takes %d buffers and %d scalars, got %d and %d", k.Name, len(k.Bufs), k.Scalars, len(args), len(scalars)))
	}
	out := make([]byte, 0, k.PushSize())
	for i, a := range args {
		r := a.ref()
		if r.B == nil || r.B.b.buf == nil {
			panic(fmt.Sprintf("gpu: kernel %q: buffer argument %d is nil or freed", k.Name, i))
		}
		if r.Off < 0 || r.Off%4 != 0 || r.Off >= r.B.size {
			panic(fmt.Sprintf("gpu: kernel %q: argument %d offset %d invalid for buffer %q of %d bytes", k.Name, i, r.Off, r.B.Name, r.B.size))
		}
		out = appendU64(out, r.B.Addr()+uint64(r.Off))
	}
	for i, s := range scalars {
		var w uint32
		switch v := s.(type) {
		case int:
			if v < math.MinInt32 || v > math.MaxUint32 {
				panic(fmt.Sprintf("gpu: kernel %q: scalar %d = %d does not fit 32 bits", k.Name, i, v))
			}
			w = uint32(v)
		case int32:
			w = uint32(v)
		case uint32:
			w = v
		case float32:
			w = math.Float32bits(v)
		case float64:
			w = math.Float32bits(float32(v))
		case bool:
			if v {
				w = 1
			}
		default:
			panic(fmt.Sprintf("gpu: kernel %q: scalar %d has unsupported type %T", k.Name, i, s))
		}
		out = appendU32(out, w)
	}
	return out
}

func appendU64(b []byte, v uint64) []byte {
	return append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24), byte(v>>32), byte(v>>40), byte(v>>48), byte(v>>56))
}

func appendU32(b []byte, v uint32) []byte {
	return append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
}

// Grid is a dispatch's workgroup count per dimension.
type Grid struct{ X, Y, Z int }

// Groups returns the number of workgroups in the grid.
func (g Grid) Groups() int { return g.X * g.Y * g.Z }

// Fold spreads n workgroups over X and Y when n exceeds the device's X limit; kernels compute the
// linear group id as gl_WorkGroupID.y*gl_NumWorkGroups.x + gl_WorkGroupID.x and ignore ids >= n.
func (d *Device) Fold(n int) Grid { return FoldWith(n, d.Info.MaxWorkgroupCount[0]) }

// FoldWith is Fold for a given X limit.
func FoldWith(n, maxX int) Grid {
	if n <= 0 {
		return Grid{0, 1, 1}
	}
	if n <= maxX {
		return Grid{n, 1, 1}
	}
	y := (n + maxX - 1) / maxX
	if y > maxX {
		panic(fmt.Sprintf("gpu: %d workgroups exceed a %d×%d grid", n, maxX, maxX))
	}
	x := (n + y - 1) / y
	return Grid{x, y, 1}
}

// DivUp returns ceil(a/b).
func DivUp(a, b int) int { return (a + b - 1) / b }

// Offset returns a Ref off bytes past a.
func Offset(a Arg, off int64) Ref {
	r := a.ref()
	r.Off += off
	return r
}

// Avail returns the bytes from a's offset to the end of its buffer.
func Avail(a Arg) int64 {
	r := a.ref()
	return r.B.size - r.Off
}

// Same reports whether two arguments point into the same buffer.
func Same(a, b Arg) bool { return a.ref().B == b.ref().B }
