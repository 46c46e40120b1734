package data

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// shardBytes writes a shard of n images of h×w×3 to a temp file and returns its bytes.
func shardBytes(t testing.TB, n, h, w int, classes []string) []byte {
	t.Helper()
	dir := t.TempDir()
	sw, err := createShard(filepath.Join(dir, "x.tmp"), h, w, 3, classes)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		pix := make([]byte, h*w*3)
		for p := range pix {
			pix[p] = byte(i*31 + p)
		}
		if err := sw.add(int32(i%len(classes)), pix); err != nil {
			t.Fatal(err)
		}
	}
	final := filepath.Join(dir, "x.shard")
	if err := sw.finish(final); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.tmp")); !os.IsNotExist(err) {
		t.Fatalf("temporary file left behind: %v", err)
	}
	b, err := os.ReadFile(final)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestShardRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 5} {
		b := shardBytes(t, n, 4, 3, []string{"cat", "dog", "hot dog"})
		s, err := decodeShard("s.shard", b)
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		if len(s.labels) != n || s.h != 4 || s.w != 3 || s.c != 3 || strings.Join(s.classes, ",") != "cat,dog,hot dog" {
			t.Fatalf("n=%d: read back %d images of %dx%dx%d, classes %v", n, len(s.labels), s.h, s.w, s.c, s.classes)
		}
		pix := make([]byte, 36)
		for i := 0; i < n; i++ {
			if err := readShardImage("s", bytes.NewReader(b), s, i, pix); err != nil || pix[7] != byte(i*31+7) || s.labels[i] != int32(i%3) {
				t.Fatalf("image %d: err %v pixel %d label %d", i, err, pix[7], s.labels[i])
			}
		}
	}
}

func TestShardCorrupt(t *testing.T) {
	b := shardBytes(t, 3, 4, 4, []string{"a", "b"})
	flip := func(off int) []byte { c := append([]byte{}, b...); c[off] ^= 0x40; return c }
	head := shardFixed + len("a\nb")
	cases := []struct {
		name, want string
		b          []byte
	}{
		{"wrong magic", "magic", flip(0)},
		{"version", "version", flip(8)},
		{"header checksum", "checksum", flip(shardFixed)},
		{"pixel", "image 1 fails its checksum", flip(head + 48 + 5)},
		{"label", "checksum", flip(len(b) - shardTail - 24)},
		{"no end marker", "end marker", flip(len(b) - 1)},
		{"empty", "truncated", nil},
		{"appended byte", "", append(append([]byte{}, b...), 0)},
	}
	// Every truncation, as an interrupted writer leaves, must be refused.
	for cut := 0; cut < len(b); cut += 7 {
		cases = append(cases, struct {
			name, want string
			b          []byte
		}{"cut", "", b[:cut]})
	}
	for _, c := range cases {
		_, err := decodeShard("bad.shard", c.b)
		if err == nil || !strings.Contains(err.Error(), "bad.shard") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s (%d bytes): got %v, want an error naming bad.shard with %q", c.name, len(c.b), err, c.want)
		}
	}
}

// FuzzShard checks that no input makes the shard reader panic, and that an accepted shard is whole.
func FuzzShard(f *testing.F) {
	good := shardBytes(f, 2, 2, 2, []string{"x", "y"})
	for _, seed := range [][]byte{good, good[:len(good)-1], good[:shardFixed], shardBytes(f, 0, 1, 1, []string{"z"})} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := decodeShard("fuzz", b)
		if err != nil {
			return
		}
		if want := int(s.dataOff) + len(s.labels)*(s.imageSize()+8) + shardTail; want != len(b) {
			t.Fatalf("accepted %d bytes, layout says %d", len(b), want)
		}
	})
}
