package vk

import (
	"strings"
	"testing"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/layers"
	"github.com/alexnet-vk/alexnet/layers/layerstest"
)

// Shapes shared by the tests of relu, dropout, lrn, maxpool, avgpool, softmaxce and sgd: the exact
// AlexNet shapes of both variants (paper "alexnet", torchvision "alexnet-tv") at batch 1 and 2,
// beside awkward ones (1, 7, 13, 65537 elements; 1×1 maps; counts that are not multiples of the
// workgroup size 64 or of the 2048 elements an elementwise workgroup handles).

// sized is a named element count.
type sized struct {
	name string
	n    int
}

// elemSizes are the lengths the elementwise kernels (relu, dropout, sgd) are tested over.
var elemSizes = []sized{
	{"1", 1}, {"7", 7}, {"13", 13}, {"2047", 2047}, {"2049", 2049}, {"65537", 65537},
	{"fc8/batch2", 2 * 1000}, {"fc6/batch1", 4096}, {"fc6/batch2", 2 * 4096},
	{"pool5/batch2", 2 * 256 * 6 * 6}, {"conv3/batch2", 2 * 384 * 13 * 13},
	{"alexnet/conv1/batch1", 96 * 55 * 55}, {"alexnet/conv1/batch2", 2 * 96 * 55 * 55},
	{"alexnet/conv2/batch2", 2 * 256 * 27 * 27},
	{"alexnet-tv/conv1/batch2", 2 * 64 * 55 * 55}, {"alexnet-tv/conv2/batch1", 192 * 27 * 27},
}

// lrnCases cover the paper's LRN after conv1 and conv2, a strong Alpha (so that an error in the
// window sum is far above the tolerance, which the paper's Alpha = 1e-4 would hide), PyTorch's
// convention, C < Size, one channel, 1×1 maps, Size 1, an even Size, and Sizes past the kernels'
// register window (Size > 5), which take their other path.
var lrnCases = []struct {
	name string
	p    layers.LRN
}{
	{"alexnet/conv1/batch1", layers.PaperLRN(1, 96, 55, 55)},
	{"alexnet/conv1/batch2", layers.PaperLRN(2, 96, 55, 55)},
	{"alexnet/conv2/batch1", layers.PaperLRN(1, 256, 27, 27)},
	{"alexnet/conv2/batch2", layers.PaperLRN(2, 256, 27, 27)},
	{"alexnet/conv2/alpha1", layers.LRN{N: 1, C: 256, H: 27, W: 27, Size: 5, Alpha: 1, Beta: 0.75, K: 2}},
	{"pytorch/k1", layers.LRN{N: 2, C: 13, H: 7, W: 7, Size: 5, Alpha: 1e-4, Beta: 0.75, K: 1, AlphaOverN: true}},
	{"C3<Size", layers.LRN{N: 2, C: 3, H: 13, W: 13, Size: 5, Alpha: 1, Beta: 0.75, K: 1}},
	{"C1", layers.LRN{N: 3, C: 1, H: 7, W: 7, Size: 5, Alpha: 1, Beta: 0.75, K: 1}},
	{"1x1", layers.LRN{N: 3, C: 10, H: 1, W: 1, Size: 5, Alpha: 1, Beta: 0.75, K: 2}},
	{"size1", layers.LRN{N: 1, C: 9, H: 13, W: 13, Size: 1, Alpha: 0.5, Beta: 0.5, K: 1}},
	{"size4/C17", layers.LRN{N: 2, C: 17, H: 7, W: 13, Size: 4, Alpha: 0.5, Beta: 0.6, K: 1}},
	{"size7/C13", layers.LRN{N: 2, C: 13, H: 7, W: 7, Size: 7, Alpha: 0.5, Beta: 0.75, K: 1}},
	{"size9/C3", layers.LRN{N: 1, C: 3, H: 13, W: 13, Size: 9, Alpha: 0.5, Beta: 0.75, K: 2}},
}

// maxPoolCases cover the overlapping 3/2 pools of both variants, padding, stride > window, a
// window as large as the map, 1×1 maps and non-square maps.
var maxPoolCases = []struct {
	name string
	p    layers.MaxPool
}{
	{"alexnet/pool1/batch1", layers.MaxPool{N: 1, C: 96, H: 55, W: 55, Size: 3, Stride: 2}},
	{"alexnet/pool1/batch2", layers.MaxPool{N: 2, C: 96, H: 55, W: 55, Size: 3, Stride: 2}},
	{"alexnet/pool2/batch2", layers.MaxPool{N: 2, C: 256, H: 27, W: 27, Size: 3, Stride: 2}},
	{"alexnet/pool5/batch2", layers.MaxPool{N: 2, C: 256, H: 13, W: 13, Size: 3, Stride: 2}},
	{"alexnet-tv/pool1/batch2", layers.MaxPool{N: 2, C: 64, H: 55, W: 55, Size: 3, Stride: 2}},
	{"alexnet-tv/pool2/batch1", layers.MaxPool{N: 1, C: 192, H: 27, W: 27, Size: 3, Stride: 2}},
	{"7x7", layers.MaxPool{N: 1, C: 3, H: 7, W: 7, Size: 3, Stride: 2}},
	{"13x13/pad1", layers.MaxPool{N: 2, C: 7, H: 13, W: 13, Size: 3, Stride: 2, Pad: 1}},
	{"stride3>window2", layers.MaxPool{N: 1, C: 3, H: 13, W: 13, Size: 2, Stride: 3}},
	{"window=map", layers.MaxPool{N: 2, C: 5, H: 7, W: 7, Size: 7, Stride: 1}},
	{"1x1", layers.MaxPool{N: 2, C: 5, H: 1, W: 1, Size: 1, Stride: 1}},
	{"7x13/size5/pad2/stride1", layers.MaxPool{N: 1, C: 3, H: 7, W: 13, Size: 5, Stride: 1, Pad: 2}},
}

// avgPoolCases cover torchvision's adaptive pool to 6×6 from 6×6 (identity), 5×5 (cells overlap),
// 7×7 and 13×13, a global pool, 1×1 input and non-square maps.
var avgPoolCases = []struct {
	name string
	p    layers.AvgPool
}{
	{"alexnet-tv/6to6/batch1", layers.AvgPool{N: 1, C: 256, H: 6, W: 6, OH: 6, OW: 6}},
	{"alexnet-tv/6to6/batch2", layers.AvgPool{N: 2, C: 256, H: 6, W: 6, OH: 6, OW: 6}},
	{"5to6/batch2", layers.AvgPool{N: 2, C: 256, H: 5, W: 5, OH: 6, OW: 6}},
	{"7to6/batch2", layers.AvgPool{N: 2, C: 256, H: 7, W: 7, OH: 6, OW: 6}},
	{"13to6/batch2", layers.AvgPool{N: 2, C: 256, H: 13, W: 13, OH: 6, OW: 6}},
	{"1to6", layers.AvgPool{N: 1, C: 3, H: 1, W: 1, OH: 6, OW: 6}},
	{"13to1", layers.AvgPool{N: 2, C: 7, H: 13, W: 13, OH: 1, OW: 1}},
	{"7x5to3x4", layers.AvgPool{N: 1, C: 5, H: 7, W: 5, OH: 3, OW: 4}},
}

// softmaxCases are (batch, classes): batch 1, 2, 3 and 128; 1000 classes (fc8), 10, and fewer
// than 5 (every label is then a top-5 hit).
var softmaxCases = []struct{ n, k int }{
	{1, 1000}, {2, 1000}, {3, 1000}, {128, 1000}, {128, 10}, {3, 10}, {2, 3}, {7, 1}, {65, 4},
}

// recorded records fn into a sequence and ends it without running it, for tests that run one
// recorded sequence several times; the sequence is freed when t ends.
func recorded(t testing.TB, d *gpu.Device, fn func(s *gpu.Seq)) *gpu.Seq {
	t.Helper()
	s, err := d.NewSeq(t.Name(), 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Free)
	fn(s)
	if err := s.End(); err != nil {
		t.Fatal(err)
	}
	return s
}

// run runs a recorded sequence, failing the test on error.
func run(t testing.TB, s *gpu.Seq) {
	t.Helper()
	if err := s.Run(); err != nil {
		t.Fatal(err)
	}
}

// benchBatches are the batch sizes the benchmarks run the AlexNet shapes at.
var benchBatches = []int{32, 128}

// benchBuf allocates a device buffer holding data, or n uninitialised floats when data is nil;
// benchmarks need no guard bands.
func benchBuf(b *testing.B, d *gpu.Device, n int, data []float32) *gpu.Buffer {
	b.Helper()
	buf, err := d.NewBuffer(b.Name(), int64(max(n, 1))*4, gpu.DeviceMemory)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(buf.Free)
	if data != nil {
		if err := buf.UploadF32(0, data); err != nil {
			b.Fatal(err)
		}
	}
	return buf
}

// benchRun records fn once, runs it once to warm up (JIT, caches), then b.N times, and reports the
// bytes the kernels must move per run as GB/s.
func benchRun(b *testing.B, d *gpu.Device, bytes int, fn func(s *gpu.Seq)) {
	b.Helper()
	s := recorded(b, d, fn)
	run(b, s)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		run(b, s)
	}
	b.ReportMetric(float64(bytes)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GB/s")
}

// Grids of more than maxWorkgroupCount[0] groups fold into 2-D (gpu.Device.Fold) and every kernel
// rebuilds its linear group id, skipping ids past the end. The real limit (65,535) needs tensors
// too large for a unit test, so this test lowers the limit the recording sees to 8 (so at most
// 8×8 groups): each case below then folds, most into grids with spare groups.
func TestFoldedGrids(t *testing.T) {
	d, l := setup(t)
	saved := d.Info.MaxWorkgroupCount[0]
	d.Info.MaxWorkgroupCount[0] = 8
	defer func() { d.Info.MaxWorkgroupCount[0] = saved }()
	const n = 65537 // 33 groups of 2048: a 7×5 grid
	t.Run("relu", func(t *testing.T) { verifyReLU(t, d, l, n) })
	t.Run("dropout", func(t *testing.T) { verifyDropout(t, d, l, n, layers.Dropout{P: 0.5, Seed: 3, Step: 4}) })
	t.Run("sgd", func(t *testing.T) { verifySGD(t, d, l, n, true) })
	// 800 columns: 13 groups of 64, a 7×2 grid.
	t.Run("lrn", func(t *testing.T) { verifyLRN(t, d, l, layers.PaperLRN(2, 7, 20, 20)) })
	// 600 output rows (10 groups, 5×2) forward, 1300 input rows (21 groups, 7×3) backward.
	t.Run("maxpool", func(t *testing.T) {
		p := layers.MaxPool{N: 2, C: 50, H: 13, W: 13, Size: 3, Stride: 2}
		verifyMaxPool(t, d, l, p, layerstest.Rand(p.N*p.C*p.H*p.W, 24))
	})
	t.Run("avgpool", func(t *testing.T) { verifyAvgPool(t, d, l, layers.AvgPool{N: 2, C: 50, H: 13, W: 13, OH: 6, OW: 6}) })
	// One workgroup per sample: 61 groups, an 8×8 grid.
	t.Run("softmaxce", func(t *testing.T) { verifySoftmaxCE(t, d, l, 61, 10, softmaxInputs[0]) })
}

// Recording with a wrong argument is a programmer error: it must panic with a "vk:" message that
// names the problem before anything reaches the device (an undersized buffer would otherwise be
// written out of bounds).
func TestRecordingRejectsBadArguments(t *testing.T) {
	d, l := setup(t)
	// raw is an exact-size buffer: the harness's tensors have guard bands a size check would count.
	raw := func(n int) gpu.Arg {
		b, err := d.NewBuffer("raw", int64(n)*4, gpu.DeviceMemory)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(b.Free)
		return b
	}
	small, big := raw(10), raw(4096)
	mp := layers.MaxPool{N: 1, C: 1, H: 7, W: 7, Size: 3, Stride: 2}
	cases := []struct {
		name string
		call func(s *gpu.Seq)
	}{
		{"relu y too small", func(s *gpu.Seq) { l.ReLUForward(s, small, big, 11) }},
		{"relu negative n", func(s *gpu.Seq) { l.ReLUBackward(s, big, big, big, -1) }},
		{"dropout p=1", func(s *gpu.Seq) { l.DropoutForward(s, big, big, big, 100, 1, 0) }},
		{"dropout ctr too small", func(s *gpu.Seq) { l.DropoutBackward(s, big, big, raw(1), 100, 0.5, 0) }},
		{"sgd hyper too small", func(s *gpu.Seq) { l.SGD(s, big, big, big, raw(2), 100, true) }},
		{"sgd g too small", func(s *gpu.Seq) { l.SGD(s, big, big, small, big, 100, false) }},
		{"lrn K=0", func(s *gpu.Seq) { l.LRNForward(s, big, big, big, layers.LRN{N: 1, C: 3, H: 2, W: 2, Size: 5}) }},
		{"lrn scale too small", func(s *gpu.Seq) { l.LRNBackward(s, big, big, big, big, small, layers.PaperLRN(1, 3, 2, 2)) }},
		{"maxpool pad > size/2", func(s *gpu.Seq) {
			p := mp
			p.Pad = 2
			l.MaxPoolForward(s, big, big, big, p)
		}},
		{"maxpool arg too small", func(s *gpu.Seq) { l.MaxPoolBackward(s, big, big, raw(8), mp) }},
		{"avgpool OH=0", func(s *gpu.Seq) { l.AvgPoolForward(s, big, big, layers.AvgPool{N: 1, C: 1, H: 2, W: 2, OW: 1}) }},
		{"avgpool dx too small", func(s *gpu.Seq) {
			l.AvgPoolBackward(s, small, big, layers.AvgPool{N: 1, C: 1, H: 4, W: 4, OH: 1, OW: 1})
		}},
		{"softmaxce k=0", func(s *gpu.Seq) { l.SoftmaxCE(s, big, big, big, big, big, 2, 0, 1) }},
		{"softmaxce hits too small", func(s *gpu.Seq) { l.SoftmaxCE(s, big, big, small, big, big, 6, 10, 1) }},
		{"softmaxce stats too small", func(s *gpu.Seq) { l.SoftmaxCEReduce(s, raw(2), big, big, 4) }},
		{"softmaxce reduce n=0", func(s *gpu.Seq) { l.SoftmaxCEReduce(s, big, big, big, 0) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := recorded(t, d, func(s *gpu.Seq) {
				defer func() {
					r := recover()
					if msg, ok := r.(string); !ok || !strings.HasPrefix(msg, "vk: ") {
						t.Errorf("recording did not panic with a vk: message; recovered %#v", r)
					}
				}()
				c.call(s)
			})
			if n := len(s.Log); n != 2 { // the opening barrier and End's: nothing was dispatched
				t.Errorf("the sequence logged %d commands, want 2 (no dispatch): %v", n, s.Log)
			}
		})
	}
}
