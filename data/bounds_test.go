package data

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alexnet-vk/alexnet/internal/hostile"
)

// idxHeader returns an IDX header of unsigned bytes with the given dimensions.
func idxHeader(dims ...uint32) []byte {
	b := []byte{0, 0, 8, byte(len(dims))}
	for _, d := range dims {
		b = binary.BigEndian.AppendUint32(b, d)
	}
	return b
}

// writeGzipIDX writes dir/name: a gzipped IDX with the given header and n zero bytes after it.
func writeGzipIDX(t testing.TB, dir, name string, head []byte, n int64) string {
	t.Helper()
	var b bytes.Buffer
	if err := hostile.GzipZeros(&b, head, n); err != nil {
		t.Fatal(err)
	}
	return writeFile(t, dir, name, b.Bytes())
}

// idxBomb writes the IDX: 4 MB of gzip holding a header of 1×65536×65536 and its 4 GiB of
// zeros, with a labels file beside it.
func idxBomb(t testing.TB) string {
	dir := t.TempDir()
	writeGzipIDX(t, dir, "train-images-idx3-ubyte.gz", idxHeader(1, 65536, 65536), 1<<32)
	writeGzipIDX(t, dir, "train-labels-idx1-ubyte.gz", idxHeader(1), 1)
	return dir
}

// IDX files are bounded by their header and by maxIDXBytes: a header over the limit is refused
// before anything is decompressed, and no more than the header declares is read.
func TestIDXBounds(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		head []byte
		n    int64
		want []string
	}{
		{"declares 4 GiB", idxHeader(1, 65536, 65536), 1 << 20, []string{"1×65536×65536", "more than the 768 MiB"}},
		{"declares 16 MiB, holds 100 bytes", idxHeader(1, 4096, 4096), 100, []string{"truncated", "declares 16777216 bytes, the file holds 100"}},
		{"declares 10 bytes, holds 1 MiB", idxHeader(10), 1 << 20, []string{"trailing bytes"}},
	} {
		p := writeGzipIDX(t, dir, tc.name+".gz", tc.head, tc.n)
		span := hostile.Begin()
		_, _, _, err := readIDX(p)
		wantErr(t, tc.name, err, append(tc.want, p)...)
		span.Within(t, tc.name+" refused", time.Second)
	}
	// A plain file whose header claims more than it holds, and a corrupt gzip checksum.
	plain := writeFile(t, dir, "plain", append(idxHeader(3, 1000, 1000), make([]byte, 10)...))
	_, _, _, err := readIDX(plain)
	wantErr(t, "plain truncated", err, plain, "truncated")
	gz := gzipBytes(idxBytes([]int{4}, []byte{1, 2, 3, 4}))
	gz[len(gz)-8] ^= 1 // the CRC-32 in gzip's trailer
	bad := writeFile(t, dir, "badcrc.gz", gz)
	_, _, _, err = readIDX(bad)
	wantErr(t, "gzip checksum", err, bad, "checksum")
}

// A 10240² 16-bit RGBA PNG (0.8 MB on disk) needs 1.2 GB to decode: refused from its header, by
// the decoding budget, before any pixel is allocated.
func TestDecodeBudgetRefusesBigImages(t *testing.T) {
	p := filepath.Join(t.TempDir(), "big.png")
	if err := hostile.PNGZeros(p, 10240, 10240, 16); err != nil {
		t.Fatal(err)
	}
	span := hostile.Begin()
	err := DecodeImageFile(p, 16, make([]byte, 16*16*3))
	if !errors.Is(err, ErrBadImage) {
		t.Fatalf("err %v, want ErrBadImage", err)
	}
	wantErr(t, "16-bit 10240² PNG", err, p, "10240x10240", "needs 1200 MiB", "256 MiB decoding limit")
	span.Within(t, "16-bit 10240² PNG refused", time.Second)
	// One that fits is decoded.
	ok := filepath.Join(t.TempDir(), "ok.png")
	if err := hostile.PNGZeros(ok, 1500, 1000, 8); err != nil {
		t.Fatal(err)
	}
	if err := DecodeImageFile(ok, 16, make([]byte, 16*16*3)); err != nil {
		t.Fatal(err)
	}
}

// decodeCost follows what the decoders allocate.
func TestDecodeCost(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		depth int
		want  int64
	}{{8, 4*300*200 + 4*200*200}, {16, 8*300*200 + 4*200*200}} {
		p := filepath.Join(dir, fmt.Sprint(tc.depth))
		if err := hostile.PNGZeros(p, 300, 200, tc.depth); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(p)
		cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if cost := decodeCost(bytes.NewReader(b), cfg, format); cost != tc.want {
			t.Errorf("%d-bit RGBA PNG 300×200: cost %d, want %d", tc.depth, cost, tc.want)
		}
		// The same header marked interlaced costs twice the image.
		b[28] = 1
		if c := decodeCost(bytes.NewReader(b), cfg, format); c != 2*(tc.want-4*200*200)+4*200*200 {
			t.Errorf("interlaced %d-bit PNG: cost %d", tc.depth, c)
		}
	}
	seg := func(marker byte, body ...byte) []byte {
		return append([]byte{0xff, marker, byte((len(body) + 2) >> 8), byte(len(body) + 2)}, body...)
	}
	soi := []byte{0xff, 0xd8}
	app0 := seg(0xe0, []byte("JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")...)
	sof := func(m byte) []byte { return seg(m, 8, 0, 16, 0, 16, 1, 1, 0x11, 0) } // one 1×1 component
	for _, tc := range []struct {
		name string
		b    []byte
		want bool
	}{
		{"baseline", bytes.Join([][]byte{soi, app0, sof(0xc0)}, nil), false},
		{"extended", bytes.Join([][]byte{soi, app0, sof(0xc1)}, nil), false},
		{"progressive", bytes.Join([][]byte{soi, app0, sof(0xc2)}, nil), true},
		{"scan before frame", bytes.Join([][]byte{soi, seg(0xda, 0)}, nil), true},
		{"truncated", bytes.Join([][]byte{soi, app0[:5]}, nil), true},
	} {
		if got, _ := jpegFrame(bytes.NewReader(tc.b)); got != tc.want {
			t.Errorf("jpegFrame(%s) progressive = %v, want %v", tc.name, got, tc.want)
		}
	}
	// Real JPEGs from the standard encoder: colour is 4:2:0 (1.5 samples a pixel), grey 1.
	for _, tc := range []struct {
		img  image.Image
		want int64
	}{
		{image.NewRGBA(image.Rect(0, 0, 64, 48)), 64*48*3/2 + 4*48*48},
		{image.NewGray(image.Rect(0, 0, 64, 48)), 64*48 + 4*48*48},
	} {
		var b bytes.Buffer
		jpeg.Encode(&b, tc.img, nil)
		cfg, format, _ := image.DecodeConfig(bytes.NewReader(b.Bytes()))
		if c := decodeCost(bytes.NewReader(b.Bytes()), cfg, format); c != tc.want {
			t.Errorf("%T JPEG: cost %d, want %d", tc.img, c, tc.want)
		}
	}
	// A progressive 4:4:4 frame: three full planes, and their coefficients at 4 bytes a sample.
	prog := bytes.Join([][]byte{soi, seg(0xc2, 8, 0, 16, 0, 32, 3, 1, 0x11, 0, 2, 0x11, 1, 3, 0x11, 1)}, nil)
	if p, n := jpegFrame(bytes.NewReader(prog)); !p || n != 3 {
		t.Errorf("progressive 4:4:4 frame: progressive %v, %v samples a pixel; want true, 3", p, n)
	}
}

// The budget refuses a request over its size, serves waiters in order and never lends more than
// it has.
func TestBudget(t *testing.T) {
	b := newBudget(10)
	if err := b.acquire(11); err == nil {
		t.Fatal("a request over the budget was granted")
	}
	b.acquire(6)
	var mu sync.Mutex
	var order []int
	var wg sync.WaitGroup
	for i, n := range []int64{6, 1} { // 6 waits for the first 6; 1 waits behind it though it would fit
		wg.Add(1)
		go func() {
			defer wg.Done()
			b.acquire(n)
			mu.Lock()
			order = append(order, i)
			if b.used > b.max {
				t.Errorf("lent %d of %d", b.used, b.max)
			}
			mu.Unlock()
		}()
		waitTickets(t, b, uint64(i)+2) // this waiter has its place in the queue before the next one comes
	}
	mu.Lock()
	if len(order) != 0 {
		t.Fatalf("granted %v while 6 of 10 were taken", order)
	}
	mu.Unlock()
	b.release(6)
	wg.Wait()
	if len(order) != 2 || order[0] != 0 {
		t.Fatalf("granted in order %v, want the first waiter first", order)
	}
}

// waitTickets waits until n acquires have entered b's queue (a goroutine started is not yet a
// goroutine waiting: on a busy machine it may not run for a while).
func waitTickets(t *testing.T, b *budget, n uint64) {
	t.Helper()
	for start := time.Now(); ; time.Sleep(time.Millisecond) {
		b.mu.Lock()
		got := b.next
		b.mu.Unlock()
		if got >= n {
			return
		}
		if time.Since(start) > 10*time.Second {
			t.Fatalf("%d of %d acquires queued after 10 s", got, n)
		}
	}
}

// TestMain runs one case of TestHostileDataBounded when this test binary is its child process.
func TestMain(m *testing.M) {
	if name, arg := hostile.Case(); name != "" {
		hostileDataChild(name, arg)
	}
	os.Exit(m.Run())
}

// hostileDataChild runs one case of TestHostileDataBounded, prints its result and exits.
func hostileDataChild(name, arg string) {
	cache, err := os.MkdirTemp("", "alexnet-hostile-cache")
	if err != nil {
		fmt.Printf("RESULT: %v\n", err)
		os.Exit(1)
	}

	switch name {
	case "idx":
		_, err = Open(arg, OpenOptions{CacheDir: cache})
	case "images":
		// Decode every image of the folder at once, as a loader with many workers would.
		ents, _ := os.ReadDir(arg)
		errs := make([]error, len(ents))
		var wg sync.WaitGroup
		for i, e := range ents {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = DecodeImageFile(filepath.Join(arg, e.Name()), 64, make([]byte, 64*64*3))
			}()
		}
		wg.Wait()
		err = errors.Join(errs...)
	case "folder":
		var d *Dataset
		if d, err = Open(arg, OpenOptions{ImageSize: 32, CacheDir: cache, Warn: os.Stdout}); err == nil {
			_, err = ComputeStats(d.Train, 100, 4)
		}
	}
	os.RemoveAll(cache)
	fmt.Printf("RESULT: %v\n", err)
	os.Exit(0)
}

// Each hostile input gets its error (or its result) within 10 s and under 1 GiB of peak memory,
// measured in a child process: the 4 MB gzipped IDX claiming 1×65536×65536, four 10240²
// 16-bit PNGs (3.3 MB), four 3000² PNGs that each fit the decoding budget but not all together,
// and an ImageFolder holding a FIFO and a .png link to /dev/zero.
func TestHostileDataBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("builds gigabyte bombs")
	}
	out := hostile.Check(t, "idx", idxBomb(t), 0)
	if !strings.Contains(out, "RESULT: data:") || !strings.Contains(out, "more than the 768 MiB") {
		t.Errorf("IDX bomb: %s", out)
	}
	big := t.TempDir()
	for i := range 4 {
		if err := hostile.PNGZeros(filepath.Join(big, fmt.Sprintf("%d.png", i)), 10240, 10240, 16); err != nil {
			t.Fatal(err)
		}
	}
	out = hostile.Check(t, "images", big, 0)
	if strings.Count(out, "needs 1200 MiB") != 4 {
		t.Errorf("four 16-bit 10240² PNGs: %s", out)
	}
	fit := t.TempDir()
	for i := range 4 {
		if err := hostile.PNGZeros(filepath.Join(fit, fmt.Sprintf("%d.png", i)), 3000, 3000, 8); err != nil {
			t.Fatal(err)
		}
	}
	out = hostile.Check(t, "images", fit, 0)
	if !strings.Contains(out, "RESULT: <nil>") {
		t.Errorf("four 3000² PNGs: %s", out)
	}
	root := t.TempDir()
	makeImageFolder(t, root, "", 2)
	mustFIFO(t, root, "classa/pipe.png")
	hostile.DevZeroLink(root, "classb/zero.png")
	out = hostile.Check(t, "folder", root, 0)
	if !strings.Contains(out, "RESULT: <nil>") || !strings.Contains(out, "a FIFO") || !strings.Contains(out, "a character device") {
		t.Errorf("ImageFolder with a FIFO and /dev/zero: %s", out)
	}
}
