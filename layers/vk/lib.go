// Package vk records the Vulkan compute kernels of every layer (shaders/<layer>_*.comp) into gpu
// sequences. Each function here has a CPU twin of the same name in package layers, which is its
// specification and its test oracle.
package vk

import (
	"fmt"
	"sort"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/shaders"
)

type kspec struct {
	bufs    []gpu.Access
	scalars int
}

// registry lists every kernel this package dispatches; each layer file registers its own.
var registry = map[string]kspec{}

// register adds a kernel (by shader file name) and returns its name, for package-level vars.
func register(name string, scalars int, bufs ...gpu.Access) string {
	if _, dup := registry[name]; dup {
		panic("vk: kernel registered twice: " + name)
	}
	registry[name] = kspec{bufs: bufs, scalars: scalars}
	return name
}

// Lib holds the compiled kernels of every layer on one device. Creating it compiles every pipeline
// up front, so no JIT compilation happens in the middle of a training step.
type Lib struct {
	Dev *gpu.Device
	k   map[string]*gpu.Kernel
	// Panel bounds the bytes of B (a workgroup's columns × the k range) that one gemm dispatch
	// streams: the row tiles of a column block run one after another (the grid's fastest
	// dimension) and share that panel, which should stay in a CPU core's L2 cache between them.
	// Longer products run as several accumulating dispatches. New sets it to the L2 size on CPU
	// devices (lavapipe; DefaultPanel when unknown) and to 0, no blocking, on GPUs.
	Panel int
	part  *gpu.Buffer // split-K partial products (see Gemm)
	// noImplicitBwdData makes Conv2DBackwardData take its gemm + col2im path (tests compare both).
	noImplicitBwdData bool
	owned             []*gpu.Buffer // scratch buffers freed with the Lib
}

// New compiles every registered kernel on d.
func New(d *gpu.Device) (*Lib, error) {
	l := &Lib{Dev: d, k: map[string]*gpu.Kernel{}}
	if d.Info.IsCPU() {
		l.Panel = gpu.CPUL2Bytes()
		if l.Panel == 0 {
			l.Panel = DefaultPanel
		}
	}
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		sp := registry[n]
		k, err := d.NewKernel(gpu.KernelSpec{Name: n, SPIRV: shaders.SPIRV(n), Bufs: sp.bufs, Scalars: sp.scalars})
		if err != nil {
			l.Free()
			return nil, err
		}
		l.k[n] = k
	}
	return l, nil
}

// Free destroys the kernels.
func (l *Lib) Free() {
	for _, k := range l.k {
		k.Free()
	}
	for _, b := range l.owned {
		b.Free()
	}
	l.k, l.owned, l.part = nil, nil, nil
}

func (l *Lib) kernel(name string) *gpu.Kernel {
	k := l.k[name]
	if k == nil {
		panic(fmt.Sprintf("vk: kernel %q not registered", name))
	}
	return k
}

// dispatch1D records kernel name over n work items handled perGroup at a time, folding the grid.
func (l *Lib) dispatch1D(s *gpu.Seq, name string, n, perGroup int, args []gpu.Arg, scalars ...any) {
	s.Dispatch(l.kernel(name), l.Dev.Fold(gpu.DivUp(n, perGroup)), args, scalars...)
}

// args is shorthand for a kernel's buffer argument list.
func args(a ...gpu.Arg) []gpu.Arg { return a }
