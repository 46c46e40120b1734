package vk

import (
	"math"
	"sync"
	"testing"
	"unsafe"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/gpu/gputest"
	"github.com/alexnet-vk/alexnet/layers/layerstest"
)

func TestMain(m *testing.M) { gputest.Main(m) }

var (
	libOnce sync.Once
	libErr  error
	lib     *Lib
)

// setup returns the shared validated device and its kernel library.
func setup(t testing.TB) (*gpu.Device, *Lib) {
	t.Helper()
	d := gputest.Device(t)
	libOnce.Do(func() {
		lib, libErr = New(d)
		if libErr == nil {
			gputest.AtExit(lib.Free)
		}
	})
	if libErr != nil {
		t.Fatal(libErr)
	}
	return d, lib
}

// guard is the number of 4-byte words around every test tensor; they hold guardBits and must still
// hold it after a kernel ran, or the kernel wrote out of bounds.
const (
	guard     = 64
	guardBits = 0x4B1D4B1D
)

// tensor is a device buffer with guard bands, holding float32 or int32 words.
type tensor struct {
	t    testing.TB
	b    *gpu.Buffer
	n    int
	init []uint32 // the words uploaded, for inputs checked unchanged
}

func newTensor(t testing.TB, d *gpu.Device, words []uint32) *tensor {
	t.Helper()
	b, err := d.NewBuffer("test", int64(len(words)+2*guard)*4, gpu.DeviceMemory)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Free)
	all := make([]uint32, len(words)+2*guard)
	for i := range all {
		all[i] = guardBits
	}
	copy(all[guard:], words)
	if err := b.Upload(0, u32Bytes(all)); err != nil {
		t.Fatal(err)
	}
	return &tensor{t: t, b: b, n: len(words), init: words}
}

// in uploads float data (also used for accumulated outputs, which start from data).
func in(t testing.TB, d *gpu.Device, data []float32) *tensor {
	w := make([]uint32, len(data))
	for i, v := range data {
		w[i] = math.Float32bits(v)
	}
	return newTensor(t, d, w)
}

// inI32 uploads int32 data.
func inI32(t testing.TB, d *gpu.Device, data []int32) *tensor {
	w := make([]uint32, len(data))
	for i, v := range data {
		w[i] = uint32(v)
	}
	return newTensor(t, d, w)
}

// out is an output of n words pre-filled with NaN, so unwritten elements fail the comparison.
func out(t testing.TB, d *gpu.Device, n int) *tensor {
	w := make([]uint32, n)
	for i := range w {
		w[i] = 0x7FC00000
	}
	return newTensor(t, d, w)
}

func (x *tensor) Arg() gpu.Arg { return x.b.At(guard * 4) }

// words downloads the tensor and fails the test if a guard word changed.
func (x *tensor) words() []uint32 {
	x.t.Helper()
	all := make([]uint32, x.n+2*guard)
	if err := x.b.Download(0, u32Bytes(all)); err != nil {
		x.t.Fatal(err)
	}
	for i := range all {
		if (i < guard || i >= guard+x.n) && all[i] != guardBits {
			x.t.Fatalf("out-of-bounds write: guard word %d (relative to element 0) of a %d-element tensor was overwritten", i-guard, x.n)
		}
	}
	return all[guard : guard+x.n]
}

func (x *tensor) floats() []float32 {
	x.t.Helper()
	w := x.words()
	f := make([]float32, len(w))
	for i, v := range w {
		f[i] = math.Float32frombits(v)
	}
	return f
}

func (x *tensor) ints() []int32 {
	x.t.Helper()
	w := x.words()
	f := make([]int32, len(w))
	for i, v := range w {
		f[i] = int32(v)
	}
	return f
}

// unchanged fails the test if an input tensor was modified.
func (x *tensor) unchanged(name string) {
	x.t.Helper()
	for i, v := range x.words() {
		if v != x.init[i] {
			x.t.Fatalf("input %s was modified at element %d", name, i)
		}
	}
}

// u32Bytes views words as bytes (no copy), so downloads fill the words.
func u32Bytes(w []uint32) []byte { return unsafe.Slice((*byte)(unsafe.Pointer(&w[0])), 4*len(w)) }

// record runs fn's commands in a fresh sequence and waits.
func record(t testing.TB, d *gpu.Device, fn func(s *gpu.Seq)) {
	t.Helper()
	s, err := d.NewSeq(t.Name(), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Free()
	fn(s)
	if err := s.End(); err != nil {
		t.Fatal(err)
	}
	if err := s.Run(); err != nil {
		t.Fatal(err)
	}
}

// compare fails the test with the first mismatch and its coordinates.
func compare(t testing.TB, what string, got, want []float32, atol, rtol float64, shape []int) {
	t.Helper()
	if err := layerstest.Compare(got, want, atol, rtol, shape); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}
