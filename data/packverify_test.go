package data

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// Every file prep writes has the same mode as a file os.Create makes (0644 under umask 022), the
// manifest included (it was 0600), so other users can train on shared shards.
func TestPackFileModes(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	in := t.TempDir()
	makeImageFolder(t, in, "train", 2)
	makeImageFolder(t, in, "val", 1)
	out := filepath.Join(t.TempDir(), "shards")
	if _, err := Pack(context.Background(), in, out, PackOptions{Size: 8, ShardSize: 4, Warn: &syncBuffer{}}); err != nil {
		t.Fatal(err)
	}
	n := 0
	filepath.WalkDir(out, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		n++
		if fi, _ := e.Info(); fi.Mode().Perm() != 0o644 {
			t.Errorf("%s: mode %v, want 0644", p, fi.Mode().Perm())
		}
		return nil
	})
	if n != 5 { // train: manifest + 2 shards; val: manifest + 1 shard
		t.Fatalf("%d files written, want 5", n)
	}
}

// A rerun of prep verifies the shards it keeps: one with a flipped bit (which train refuses with
// "rerun cmd/prep"), one replaced by another valid shard, and one truncated are removed, named in
// a warning and rebuilt; good ones are kept untouched; a shard finished just before a kill, whose
// checksum the manifest missed, is verified and recorded.
func TestPackRerunRebuildsDamagedShards(t *testing.T) {
	in := t.TempDir()
	makeImageFolder(t, in, "", 4) // 12 images: shards of 3
	out := t.TempDir()
	opts := PackOptions{Size: 8, ShardSize: 3, Workers: 2, Warn: &syncBuffer{}}
	if _, err := Pack(context.Background(), in, out, opts); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(out, "train")
	shard := func(k int) string { return filepath.Join(dir, shardFileName(k)) }
	orig := make([][]byte, 4)
	for k := range orig {
		orig[k], _ = os.ReadFile(shard(k))
	}
	m, err := readManifest(dir)
	if err != nil || len(m.Sums) != 4 {
		t.Fatalf("manifest %+v, %v: want 4 shard sums", m, err)
	}
	// Shard 0: one pixel bit flipped; train refuses it.
	flipped := slices.Clone(orig[0])
	flipped[len(flipped)/2] ^= 0x10
	os.WriteFile(shard(0), flipped, 0o644)
	d, err := Open(out, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 8*8*3)
	var readErr error
	for i := 0; i < d.Train.Len() && readErr == nil; i++ {
		readErr = d.Train.Image(i, buf)
	}
	d.Close()
	wantErr(t, "train on a bit-flipped shard", readErr, shardFileName(0), "rerun cmd/prep")
	// Shard 1: replaced by shard 2, a valid shard of the same shape: only the manifest's sum tells.
	os.WriteFile(shard(1), orig[2], 0o644)
	// Shard 3: truncated.
	os.WriteFile(shard(3), orig[3][:len(orig[3])-5], 0o644)
	// Shard 2's sum lost, as when prep is killed between the rename and the manifest update.
	delete(m.Sums, shardFileName(2))
	b, _ := json.Marshal(m)
	os.WriteFile(filepath.Join(dir, manifestName), b, 0o644)

	warn := &syncBuffer{}
	opts.Warn = warn
	rep, err := Pack(context.Background(), in, out, opts)
	if err != nil {
		t.Fatal(err)
	}
	if rep[0].Reused != 1 || rep[0].Rebuilt != 3 || rep[0].Images != 12 {
		t.Fatalf("report %+v, want 1 shard kept and 3 rebuilt", rep[0])
	}
	w := warn.String()
	for _, s := range []string{shardFileName(0) + ": image", "fails its checksum", shardFileName(1) + ":", "the manifest recorded",
		shardFileName(3) + ": not a valid shard", "rebuilding it"} {
		if !strings.Contains(w, s) {
			t.Errorf("warning %q does not say %q", w, s)
		}
	}
	for k := range orig {
		if got, _ := os.ReadFile(shard(k)); !slices.Equal(got, orig[k]) {
			t.Errorf("shard %d differs from the first run's after the rerun", k)
		}
	}
	if m, _ := readManifest(dir); len(m.Sums) != 4 {
		t.Errorf("manifest has %d sums after the rerun, want 4", len(m.Sums))
	}
	// A reader refuses a shard whose size differs from the recorded one.
	os.WriteFile(shard(1), orig[2][:len(orig[2])-1], 0o644)
	_, err = Open(out, OpenOptions{})
	wantErr(t, "a shard of the wrong size", err, shardFileName(1), "rerun cmd/prep")
}

// A shard may hold at most shardMaxCount images and a split splitMaxCount, since their labels and
// checksums are held in memory: a shard claiming more is refused from its trailer.
func TestShardCountBounds(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "big.shard")
	sw, err := createShard(p+".tmp", 1, 1, 1, []string{"a"})
	if err != nil {
		t.Fatal(err)
	}
	for range shardMaxCount + 1 {
		sw.add(0, []byte{7})
	}
	if err := sw.finish(p); err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(p)
	defer f.Close()
	fi, _ := f.Stat()
	_, err = readShardHeader(p, f, fi.Size())
	wantErr(t, "a shard of 2^20+1 images", err, p, "1048577 images, more than the 1048576 a shard may hold")

	in := t.TempDir()
	makeImageFolder(t, in, "", 4)
	out := t.TempDir()
	if _, err := Pack(context.Background(), in, out, PackOptions{Size: 8, ShardSize: 3, Warn: &syncBuffer{}}); err != nil {
		t.Fatal(err)
	}
	defer func(n int) { splitMaxCount = n }(splitMaxCount)
	splitMaxCount = 10
	_, err = Open(out, OpenOptions{})
	wantErr(t, "a split of 12 images over a bound of 10", err, "more than 10 images")
}
