package gpu

/*
#include "vkc.h"
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// Access says how a kernel uses one of its buffer arguments; the sequence derives barriers from it.
type Access uint8

const (
	Read Access = 1 << iota
	Write
	ReadWrite = Read | Write
)

// KernelSpec describes a compute kernel: its SPIR-V, the Go struct that mirrors its push-constant
// block, and the needs its SPIR-V cannot show.
type KernelSpec struct {
	Name  string
	SPIRV []byte
	// Push is a value of the struct type that mirrors the shader's push-constant block member by
	// member: a field of type Arg for each buffer reference (binding order = field order), uint32,
	// int32 or float32 for each uint, int or float (see PushLayout).
	Push any
	// MinSubgroup, MaxSubgroup and FullSubgroups are the kernel's subgroup needs (see Needs).
	MinSubgroup, MaxSubgroup int
	FullSubgroups            bool
}

// PortablePushLimit is the push-constant size every Vulkan device supports; kernels stay within it.
const PortablePushLimit = 128

// Kernel is a compute pipeline ready to dispatch.
type Kernel struct {
	Name  string
	Needs Needs
	// Bufs is the access of each buffer field of the push struct, in field order, as the shader
	// declares it (readonly, writeonly or neither); sequences derive their barriers from it.
	Bufs   []Access
	layout pushLayout
	dev    *Device
	k      C.vkc_kernel
}

// NeedsOf reads spec's SPIR-V and returns what the kernel needs of a device, after checking that
// spec.Push mirrors the shader's push-constant block.
func NeedsOf(spec KernelSpec) (Needs, error) {
	m, err := ReadModule(spec.SPIRV)
	if err != nil {
		return Needs{}, fmt.Errorf("gpu: kernel %q: %v (run `make shaders`)", spec.Name, err)
	}
	if _, err := PushLayout(m, spec.Push); err != nil {
		return Needs{}, fmt.Errorf("gpu: kernel %q: %v", spec.Name, err)
	}
	if ps := m.PushSize(); ps > PortablePushLimit {
		return Needs{}, fmt.Errorf("gpu: kernel %q: push constants of %d bytes exceed the portable limit of %d", spec.Name, ps, PortablePushLimit)
	}
	return Needs{Module: m, MinSubgroup: spec.MinSubgroup, MaxSubgroup: spec.MaxSubgroup, FullSubgroups: spec.FullSubgroups}, nil
}

// NewKernel creates the pipeline for spec, after checking its push struct against the SPIR-V and
// its needs against the device.
func (d *Device) NewKernel(spec KernelSpec) (*Kernel, error) {
	n, err := NeedsOf(spec)
	if err != nil {
		return nil, err
	}
	if err := d.Info.Check(n); err != nil {
		return nil, fmt.Errorf("gpu: kernel %q cannot run on %v", spec.Name, err)
	}
	lay, _ := PushLayout(n.Module, spec.Push)
	k := &Kernel{Name: spec.Name, Needs: n, layout: lay, dev: d}
	for _, f := range lay.fields {
		if f.kind == MemberBuffer {
			k.Bufs = append(k.Bufs, f.access)
		}
	}
	var flags C.uint32_t
	if n.FullSubgroups {
		flags |= 2 // VK_PIPELINE_SHADER_STAGE_CREATE_REQUIRE_FULL_SUBGROUPS_BIT
	}
	// A byte slice holds no Go pointers, so cgo may pass it directly.
	if rc := C.vkc_kernel_create(d.d, unsafe.Pointer(&spec.SPIRV[0]), C.size_t(len(spec.SPIRV)), C.uint32_t(n.PushSize()), flags, &k.k); rc != 0 {
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

// RefOf returns a as a buffer and byte offset (for Seq.Copy and Seq.Fill).
func RefOf(a Arg) Ref { return a.ref() }

// Aligned reports whether a's device address (its buffer's address plus its offset) is a multiple
// of n bytes, so that a kernel may read it as n-byte vectors (a vec4 needs 16).
func Aligned(a Arg, n uint64) bool {
	r := a.ref()
	return (r.B.Addr()+uint64(r.Off))%n == 0
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
