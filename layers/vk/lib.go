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

// kdef is a kernel as this package declares it: its shader file's name, a zero value of the Go
// struct that mirrors its push constants, and the subgroup needs its SPIR-V cannot show.
type kdef struct {
	name                     string
	push                     any
	minSubgroup, maxSubgroup int
	fullSubgroups            bool
}

func (k kdef) spec() gpu.KernelSpec {
	return gpu.KernelSpec{Name: k.name, SPIRV: shaders.SPIRV(k.name), Push: k.push,
		MinSubgroup: k.minSubgroup, MaxSubgroup: k.maxSubgroup, FullSubgroups: k.fullSubgroups}
}

// needs returns what the kernel requires of a device (its SPIR-V read without a device).
func (k kdef) needs() (gpu.Needs, error) { return gpu.NeedsOf(k.spec()) }

// registry lists every kernel this package dispatches; each layer file registers its own.
var registry = map[string]kdef{}

// register adds a kernel (by shader file name) and returns its name, for package-level vars.
func register(name string, push any) string { return registerDef(kdef{name: name, push: push}) }

func registerDef(k kdef) string {
	if _, dup := registry[k.name]; dup {
		panic("vk: kernel registered twice: " + k.name)
	}
	registry[k.name] = k
	return k.name
}

// Lib holds the compiled kernels of every layer on one device. Creating it checks every kernel's
// needs against the device, picks each product's variant (see variants.go) and compiles the
// pipelines up front, so no JIT compilation happens in the middle of a training step.
type Lib struct {
	Dev *gpu.Device
	// Choice is the variant of each product kernel and why it was chosen.
	Choice Choice
	k      map[string]*gpu.Kernel
	// Panel bounds the bytes of B (a workgroup's columns × the k range) that one gemm dispatch
	// streams: the row tiles of a column block run one after another (the grid's fastest
	// dimension) and share that panel, which should stay in a CPU core's L2 cache between them.
	// Longer products run as several accumulating dispatches. New sets it to the L2 size on CPU
	// devices (lavapipe; DefaultPanel when unknown) and to 0, no blocking, on GPUs.
	Panel int
	part  *gpu.Buffer // split-K partial products (see Gemm)
	xt    *gpu.Buffer // linear forward's transposed input (see LinearForward)
	// linearForm forces LinearForward's form where nonzero (tests and benchmarks compare both):
	// linearDirect, or linearTransposed (yᵀ = w·xᵀ).
	linearForm int
	// noImplicitBwdData makes Conv2DBackwardData take its gemm + col2im path (tests compare both).
	noImplicitBwdData bool
	// noImplicitBwdFilter makes backward-filter take its im2col + gemm path (tests compare both).
	noImplicitBwdFilter bool
	owned               []*gpu.Buffer // scratch buffers freed with the Lib
}

// New compiles the kernels on d: every layer's, and for each product kernel the variant that
// d.Kernels forces, or with "auto" (or "") the first one the device can run.
func New(d *gpu.Device) (*Lib, error) { return newLib(d, d.Info, d.Kernels) }

// newLib is New choosing the variants for info instead of d.Info (tests lower a limit this way).
func newLib(d *gpu.Device, info gpu.Info, kernels string) (*Lib, error) {
	ch, err := Choose(info, kernels)
	if err != nil {
		return nil, err
	}
	l := &Lib{Dev: d, Choice: ch, k: map[string]*gpu.Kernel{}}
	if info.IsCPU() { // GPUs: no blocking (their kernels stage k through shared memory)
		l.Panel = gpu.CPUL2Bytes()
		if l.Panel == 0 {
			l.Panel = DefaultPanel
		}
	}
	for _, n := range l.kernelNames() {
		k, err := d.NewKernel(registry[n].spec())
		if err != nil {
			l.Free()
			return nil, fmt.Errorf("vk: %w", err)
		}
		l.k[n] = k
	}
	return l, nil
}

// kernelNames returns the kernels the Lib compiles: every registered kernel that belongs to no
// product variant, and the kernels of the chosen variants.
func (l *Lib) kernelNames() []string {
	names := commonKernels()
	for _, p := range l.Choice.Products {
		names = append(names, p.Variant.kernelsOf(p.Product)...)
	}
	sort.Strings(names)
	return names
}

// commonKernels returns the registered kernels that belong to no variant, sorted: every device
// must run them all.
func commonKernels() []string {
	inVariant := map[string]bool{}
	for _, v := range variants {
		for _, n := range v.kernels() {
			inVariant[n] = true
		}
	}
	var names []string
	for n := range registry {
		if !inVariant[n] {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// Free destroys the kernels.
func (l *Lib) Free() {
	for _, k := range l.k {
		k.Free()
	}
	for _, b := range l.owned {
		b.Free()
	}
	l.k, l.owned, l.part, l.xt = nil, nil, nil, nil
}

func (l *Lib) kernel(name string) *gpu.Kernel {
	k := l.k[name]
	if k == nil {
		panic(fmt.Sprintf("vk: kernel %q not compiled in this Lib", name))
	}
	return k
}

// dispatch1D records kernel name over n work items, perLane per invocation, folding the grid;
// the workgroup width is the kernel's own (from its SPIR-V), so the grid always matches it.
func (l *Lib) dispatch1D(s *gpu.Seq, name string, n, perLane int, push any) {
	k := l.kernel(name)
	s.Dispatch(k, l.Dev.Fold(gpu.DivUp(n, k.Needs.LocalSize[0]*perLane)), push)
}

// u32 converts a size, count or stride for a kernel's push constants, which are 32-bit.
func u32(n int) uint32 {
	if n < 0 || n > 1<<32-1 {
		panic(fmt.Sprintf("vk: %d does not fit a kernel's 32-bit unsigned push constant", n))
	}
	return uint32(n)
}

// b32 is a bool as a kernel's uint push constant.
func b32(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}
