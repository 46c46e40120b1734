package data

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
)

// PackOptions configure Pack; zero fields take the defaults in brackets.
type PackOptions struct {
	Size      int                   // side of the stored square images [256]
	ShardSize int                   // source images per shard [1000]
	Workers   int                   // decoding goroutines [GOMAXPROCS]
	Progress  func(done, total int) // called from one goroutine as images are done; may be nil
	Warn      io.Writer             // where the warning about skipped files goes [os.Stderr]
}

// PackedSplit says what Pack did for one split.
type PackedSplit struct {
	Name    string // train, val, …
	Dir     string // its shard folder
	Files   int    // image files listed
	Images  int    // images stored (in new and reused shards)
	Skipped int    // unreadable files among those decoded in this run
	Shards  int    // shards in the split
	Reused  int    // shards already complete from an earlier run, verified and left as they were
	Rebuilt int    // shards an earlier run left that failed verification, removed and written anew
}

// Pack converts the ImageFolder at in into shard folders out/train (and out/val when in has a val
// split): every image rescaled so its shorter side is Size and centre-cropped to Size×Size. Shard k
// holds the readable images among source files k·ShardSize … (k+1)·ShardSize−1, so a run that was
// interrupted (ctx cancelled, killed) is finished by running Pack again: a half-written shard never
// has its final name, and shards already there are verified (verifyShard) and kept, or removed and
// rebuilt when damaged. The manifest records each finished shard's size and checksum. Unreadable
// files are skipped and listed in one warning; empty and symlinked class folders are named in one.
func Pack(ctx context.Context, in, out string, opts PackOptions) ([]PackedSplit, error) {
	if opts.Size <= 0 {
		opts.Size = 256
	}
	if opts.ShardSize <= 0 {
		opts.ShardSize = 1000
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	if opts.Warn == nil {
		opts.Warn = os.Stderr
	}
	trainDir, testDir, testName := splitFolders(in)
	classes, err := folderClasses(trainDir)
	if err != nil {
		return nil, err
	}
	for _, c := range classes {
		if strings.Contains(c, "\n") {
			return nil, fmt.Errorf("data: %s: class folder name %q contains a newline", trainDir, c)
		}
	}
	var skipped skipList
	defer skipped.flush(opts.Warn, "files that are not images, are empty or cannot be decoded")
	type job struct {
		name, dir string
		files     []string
		labels    []int32
	}
	var jobs []job
	for _, sp := range [][2]string{{"train", trainDir}, {testName, testDir}} {
		if sp[1] == "" {
			continue
		}
		sc, err := scanSplit(sp[1], classes, &skipped)
		if err != nil {
			return nil, err
		}
		sc.report(opts.Warn, classes)
		if len(sc.files) == 0 {
			return nil, fmt.Errorf("data: %s: no .jpg, .jpeg or .png files in the class folders (%s)", sp[1], layoutsHelp)
		}
		jobs = append(jobs, job{sp[0], sp[1], sc.files, sc.labels})
	}
	total, done := 0, 0
	for _, j := range jobs {
		total += len(j.files)
	}
	var report []PackedSplit
	for _, j := range jobs {
		m := &shardManifest{Version: shardVersion, Size: opts.Size, ShardSize: opts.ShardSize,
			Shards: (len(j.files) + opts.ShardSize - 1) / opts.ShardSize, Files: len(j.files),
			ListHash: listHash(j.dir, j.files, j.labels), Source: j.dir, Classes: classes}
		ps := PackedSplit{Name: j.name, Dir: filepath.Join(out, j.name), Files: len(j.files), Shards: m.Shards}
		n0 := skipped.count()
		err := packSplit(ctx, ps.Dir, m, j.files, j.labels, opts, &skipped, &ps, func(k int) {
			done += k
			if opts.Progress != nil {
				opts.Progress(done, total)
			}
		})
		ps.Skipped = skipped.count() - n0
		report = append(report, ps)
		if err != nil {
			return report, err
		}
	}
	return report, nil
}

// listHash fingerprints the source file list (relative paths and labels) of a split.
func listHash(dir string, files []string, labels []int32) string {
	h := sha256.New()
	for i, f := range files {
		rel, _ := filepath.Rel(dir, f)
		fmt.Fprintf(h, "%s\x00%d\n", rel, labels[i])
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// prepareShardDir creates dir with m as its manifest, or checks that an earlier run's manifest
// describes the same run (and takes over its shard checksums), and removes temporary files an
// interrupted run left.
func prepareShardDir(dir string, m *shardManifest) error {
	old, err := readManifest(dir)
	switch {
	case err == nil:
		m.Source = old.Source // the same images may be packed from a moved folder
		if !sameRun(old, m) {
			return fmt.Errorf("data: %s holds shards of a different prep run (other images, size or shard size); "+
				"choose another --out or delete it", dir)
		}
		m.Sums = old.Sums
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("data: %v", err)
		}
		if err := writeManifest(dir, m); err != nil {
			return err
		}
	default:
		return err
	}
	tmps, _ := filepath.Glob(filepath.Join(dir, "*.tmp*"))
	for _, t := range tmps {
		os.Remove(t)
	}
	return nil
}

// sameRun reports whether two manifests describe the same prep run (their shard checksums aside).
func sameRun(a, b *shardManifest) bool {
	x, y := *a, *b
	x.Sums, y.Sums = nil, nil
	return reflect.DeepEqual(x, y)
}

// writeManifest writes dir/manifest.json atomically.
func writeManifest(dir string, m *shardManifest) error {
	b, _ := json.MarshalIndent(m, "", "  ")
	if err := writeFileAtomic(filepath.Join(dir, manifestName), append(b, '\n')); err != nil {
		return fmt.Errorf("data: writing shard manifest: %v", err)
	}
	return nil
}
