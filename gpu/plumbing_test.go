package gpu_test

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/gpu/gputest"
	"github.com/alexnet-vk/alexnet/shaders"
)

func TestMain(m *testing.M) { gputest.Main(m) }

// pushPC and axpbPC mirror the push constants of test_push and test_axpb.
type (
	pushPC struct {
		Y    gpu.Arg
		N    uint32
		A, B float32
	}
	axpbPC struct {
		Y, X gpu.Arg
		N    uint32
		A, B float32
	}
)

func kernel(t *testing.T, d *gpu.Device, name string, push any) *gpu.Kernel {
	t.Helper()
	k, err := d.NewKernel(gpu.KernelSpec{Name: name, SPIRV: shaders.SPIRV(name), Push: push})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(k.Free)
	return k
}

func buffer(t *testing.T, d *gpu.Device, name string, size int64) *gpu.Buffer {
	t.Helper()
	b, err := d.NewBuffer(name, size, gpu.DeviceMemory)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Free)
	return b
}

func seq(t *testing.T, d *gpu.Device) *gpu.Seq {
	t.Helper()
	s, err := d.NewSeq(t.Name(), 8)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Free)
	return s
}

func run(t *testing.T, s *gpu.Seq) {
	t.Helper()
	if err := s.End(); err != nil {
		t.Fatal(err)
	}
	if err := s.Run(); err != nil {
		t.Fatal(err)
	}
}

func nanFilled(n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(math.NaN())
	}
	return v
}

func TestDeviceInfo(t *testing.T) {
	d := gputest.Device(t)
	in := d.Info
	t.Logf("device: %s; maxStorageBufferRange %s, maxBuffer %s, subgroup %d", in, gpu.Bytes(in.MaxStorageBufferRange), gpu.Bytes(in.MaxBufferSize), in.SubgroupSize)
	if in.Name == "" || !in.BufferDeviceAddress || in.MaxWorkgroupCount[0] < 65535 || in.MaxPushConstantsSize < 128 {
		t.Fatalf("implausible device info %+v", in)
	}
	if !d.Validating() {
		t.Fatal("tests must run with the validation layer on")
	}
}

// Push constants reach the shader: every element is a*i+b, computed exactly in float32.
func TestPushConstants(t *testing.T) {
	d := gputest.Device(t)
	k := kernel(t, d, "test_push", pushPC{})
	for _, n := range []int{1, 7, 64, 65, 1000} {
		y := buffer(t, d, "y", int64(n)*4)
		y.UploadF32(0, nanFilled(n))
		s := seq(t, d)
		s.Dispatch(k, d.Fold(gpu.DivUp(n, 64)), pushPC{Y: y, N: uint32(n), A: 0.5, B: -3})
		run(t, s)
		got := make([]float32, n)
		y.DownloadF32(0, got)
		for i, v := range got {
			if want := 0.5*float32(i) - 3; v != want {
				t.Fatalf("n=%d: y[%d] = %v, want %v", n, i, v, want)
			}
		}
	}
}

// A chain of three dependent dispatches computes the composition; the sequence put a barrier before
// each dependent one (synchronization validation watches the rest).
func TestDependentChain(t *testing.T) {
	d := gputest.Device(t)
	k := kernel(t, d, "test_axpb", axpbPC{})
	const n = 10007
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(i%97) - 40
	}
	a, b, c, e := buffer(t, d, "a", n*4), buffer(t, d, "b", n*4), buffer(t, d, "c", n*4), buffer(t, d, "e", n*4)
	a.UploadF32(0, x)
	e.UploadF32(0, nanFilled(n))
	s := seq(t, d)
	g := d.Fold(gpu.DivUp(n, 64))
	s.Dispatch(k, g, axpbPC{Y: b, X: a, N: n, A: 2, B: 1})
	s.Dispatch(k, g, axpbPC{Y: c, X: b, N: n, A: 3, B: -2})
	s.Dispatch(k, g, axpbPC{Y: e, X: c, N: n, A: 0.5, B: 4})
	run(t, s)
	want := "barrier|dispatch test_axpb|barrier|dispatch test_axpb|barrier|dispatch test_axpb|barrier"
	if got := strings.Join(s.Log, "|"); got != want {
		t.Errorf("recorded %s\nwant     %s", got, want)
	}
	got := make([]float32, n)
	e.DownloadF32(0, got)
	for i, v := range got {
		w := 0.5*(3*(2*x[i]+1)-2) + 4
		if v != w {
			t.Fatalf("e[%d] = %v, want %v", i, v, w)
		}
	}
}

// Independent dispatches get no barrier between them; a write after a read gets one.
func TestBarrierPlacement(t *testing.T) {
	d := gputest.Device(t)
	k := kernel(t, d, "test_axpb", axpbPC{})
	a, b, c := buffer(t, d, "a", 256), buffer(t, d, "b", 256), buffer(t, d, "c", 256)
	s := seq(t, d)
	s.Fill(a, 0, 256, 0)
	s.Dispatch(k, gpu.Grid{1, 1, 1}, axpbPC{Y: b, X: a, N: 64, A: 1}) // reads a after fill: barrier
	s.Dispatch(k, gpu.Grid{1, 1, 1}, axpbPC{Y: c, X: a, N: 64, A: 1}) // independent of the previous one
	s.Dispatch(k, gpu.Grid{1, 1, 1}, axpbPC{Y: a, X: b, N: 64, A: 1}) // reads b (RAW) and writes a (WAR)
	run(t, s)
	want := "barrier|fill a|barrier|dispatch test_axpb|dispatch test_axpb|barrier|dispatch test_axpb|barrier"
	if got := strings.Join(s.Log, "|"); got != want {
		t.Errorf("recorded %s\nwant     %s", got, want)
	}
}

// Past 65,535 workgroups the grid folds into two dimensions and every element is written once.
func TestFoldedDispatch(t *testing.T) {
	d := gputest.Device(t)
	k := kernel(t, d, "test_push", pushPC{})
	n := 70000*64 + 13
	g := d.Fold(gpu.DivUp(n, 64))
	if d.Info.MaxWorkgroupCount[0] < gpu.DivUp(n, 64) {
		if g.Y < 2 {
			t.Fatalf("grid %v not folded", g)
		}
	}
	y := buffer(t, d, "y", int64(n)*4)
	y.UploadF32(0, nanFilled(n))
	s := seq(t, d)
	s.Dispatch(k, g, pushPC{Y: y, N: uint32(n), A: 1})
	run(t, s)
	got := make([]float32, n)
	y.DownloadF32(0, got)
	for i, v := range got {
		if v != float32(i) {
			t.Fatalf("y[%d] = %v, want %d (grid %v)", i, v, i, g)
		}
	}
}

func TestFoldWith(t *testing.T) {
	for _, tc := range []struct{ n, max int }{{1, 4}, {4, 4}, {5, 4}, {17, 5}, {25, 5}, {65535, 65535}, {65536, 65535}, {200000, 65535}} {
		g := gpu.FoldWith(tc.n, tc.max)
		if g.X > tc.max || g.Y > tc.max || g.X*g.Y < tc.n || g.X*(g.Y-1) >= tc.n {
			t.Errorf("FoldWith(%d, %d) = %v: must cover n with X,Y <= max and no spare row", tc.n, tc.max, g)
		}
	}
}

// Uploads and downloads round-trip, including partial ranges and odd sizes, in both memory kinds.
func TestUploadDownloadRanges(t *testing.T) {
	d := gputest.Device(t)
	for _, kind := range []gpu.Kind{gpu.DeviceMemory, gpu.StagingMemory} {
		for _, size := range []int64{1, 3, 37, 4096 + 5} {
			b, err := d.NewBuffer("r", size, kind)
			if err != nil {
				t.Fatal(err)
			}
			full := make([]byte, size)
			for i := range full {
				full[i] = byte(i*7 + 3)
			}
			if err := b.Upload(0, full); err != nil {
				t.Fatal(err)
			}
			part := []byte{0xAA, 0xBB, 0xCC}
			off := size / 2
			if off+int64(len(part)) > size {
				part = part[:size-off]
			}
			b.Upload(off, part)
			copy(full[off:], part)
			got := make([]byte, size)
			b.Download(0, got)
			if !bytes.Equal(got, full) {
				t.Fatalf("kind %d size %d: full download differs", kind, size)
			}
			lo, hi := size/3, size-size/4
			sub := make([]byte, hi-lo)
			b.Download(lo, sub)
			if !bytes.Equal(sub, full[lo:hi]) {
				t.Fatalf("kind %d size %d: range [%d,%d) differs", kind, size, lo, hi)
			}
			if err := b.Download(size-1, make([]byte, 2)); err == nil || !strings.Contains(err.Error(), "outside") {
				t.Fatalf("download past the end: err = %v", err)
			}
			b.Free()
		}
	}
}

// A 200 MiB buffer, over lavapipe's 128 MiB maxStorageBufferRange, is read and written end to end.
func TestLargeBuffer(t *testing.T) {
	d := gputest.Device(t)
	k := kernel(t, d, "test_axpb", axpbPC{})
	const n = 200 << 20 / 4
	x, y := buffer(t, d, "x", n*4), buffer(t, d, "y", n*4)
	src := make([]float32, n)
	for i := range src {
		src[i] = float32(i % 4093)
	}
	x.UploadF32(0, src)
	y.UploadF32(0, nanFilled(n))
	s := seq(t, d)
	s.Dispatch(k, d.Fold(gpu.DivUp(n, 64)), axpbPC{Y: y, X: x, N: n, A: 2, B: 1})
	run(t, s)
	for _, i := range []int{0, 1, n / 2, n - 2, n - 1} {
		got := make([]float32, 1)
		y.DownloadF32(i, got)
		if want := 2*src[i] + 1; got[0] != want {
			t.Fatalf("y[%d] = %v, want %v", i, got[0], want)
		}
	}
}

// A recorded sequence resubmitted 100 times recomputes the same result each time.
func TestResubmit(t *testing.T) {
	d := gputest.Device(t)
	k := kernel(t, d, "test_axpb", axpbPC{})
	const n = 1000
	x, m, y := buffer(t, d, "x", n*4), buffer(t, d, "m", n*4), buffer(t, d, "y", n*4)
	src := make([]float32, n)
	for i := range src {
		src[i] = float32(i) / 8
	}
	x.UploadF32(0, src)
	s := seq(t, d)
	g := d.Fold(gpu.DivUp(n, 64))
	s.Dispatch(k, g, axpbPC{Y: m, X: x, N: n, A: 2, B: 1})
	s.Dispatch(k, g, axpbPC{Y: y, X: m, N: n, A: 3, B: -2})
	if err := s.End(); err != nil {
		t.Fatal(err)
	}
	got := make([]float32, n)
	for rep := 0; rep < 100; rep++ {
		y.UploadF32(0, nanFilled(n)) // so a run that computes nothing fails
		if err := s.Run(); err != nil {
			t.Fatal(err)
		}
		y.DownloadF32(0, got)
		for i, v := range got {
			if w := 3*(2*src[i]+1) - 2; v != w {
				t.Fatalf("run %d: y[%d] = %v, want %v", rep, i, v, w)
			}
		}
	}
}

func TestTimestamps(t *testing.T) {
	d := gputest.Device(t)
	if d.Info.TimestampPeriodNs == 0 {
		t.Logf("%s has no timestamps; Timings must say so", d.Info.Name)
	}
	k := kernel(t, d, "test_push", pushPC{})
	y := buffer(t, d, "y", 1<<20)
	s := seq(t, d)
	s.Timestamp("start")
	s.Dispatch(k, d.Fold(gpu.DivUp(1<<18, 64)), pushPC{Y: y, N: 1 << 18, A: 1})
	s.Timestamp("push")
	run(t, s)
	ts, err := s.Timings()
	if d.Info.TimestampPeriodNs == 0 {
		if err == nil {
			t.Fatal("Timings succeeded without timestamps")
		}
		return
	}
	if err != nil || len(ts) != 1 || ts[0].Label != "push" || ts[0].D <= 0 {
		t.Fatalf("Timings = %v, %v", ts, err)
	}
}
