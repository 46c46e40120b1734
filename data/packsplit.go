package data

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// packed is one decoded source image (or why it could not be).
type packed struct {
	pix []byte
	err error
}

// packSplit writes the shards of one split that are not complete yet; progress(k) reports k more
// source files done.
func packSplit(ctx context.Context, dir string, m *shardManifest, files []string, labels []int32,
	opts PackOptions, skipped *skipList, ps *PackedSplit, progress func(int)) error {
	if err := prepareShardDir(dir, m); err != nil {
		return err
	}
	chunk := func(k int) (int, int) { return k * m.ShardSize, min((k+1)*m.ShardSize, len(files)) }
	var todo []int  // shards to write
	var order []int // source file indices to decode, shard after shard
	recorded := false
	for k, ks := range verifyKept(dir, m, opts.Workers) {
		lo, hi := chunk(k)
		name := shardFileName(k)
		switch {
		case ks.exists && ks.err == nil:
			ps.Reused++
			ps.Images += ks.n
			progress(hi - lo)
			if _, ok := m.Sums[name]; !ok { // finished just before an interruption: record it now
				m.setSum(name, ks.sum)
				recorded = true
			}
			continue
		case ks.exists:
			fmt.Fprintf(opts.Warn, "data: warning: %v; rebuilding it\n", ks.err)
			if err := os.Remove(filepath.Join(dir, name)); err != nil {
				return fmt.Errorf("data: removing a damaged shard: %v", err)
			}
			ps.Rebuilt++
		}
		if _, ok := m.Sums[name]; ok {
			delete(m.Sums, name)
			recorded = true
		}
		todo = append(todo, k)
		for i := lo; i < hi; i++ {
			order = append(order, i)
		}
	}
	if recorded {
		if err := writeManifest(dir, m); err != nil {
			return err
		}
	}
	if len(todo) == 0 {
		return nil
	}
	size := m.Size * m.Size * 3
	window := 4 * opts.Workers
	free := make(chan []byte, window+2)
	run := startOrdered(len(order), opts.Workers, window, func(j int) packed {
		if ctx.Err() != nil {
			return packed{err: ctx.Err()}
		}
		var pix []byte
		select {
		case pix = <-free:
		default:
			pix = make([]byte, size)
		}
		return packed{pix, DecodeImageFile(files[order[j]], m.Size, pix)}
	})
	defer run.close()
	for _, k := range todo {
		lo, hi := chunk(k)
		final := filepath.Join(dir, shardFileName(k))
		sw, err := createShard(final+fmt.Sprintf(".tmp%d", os.Getpid()), m.Size, m.Size, 3, m.Classes)
		if err != nil {
			return fmt.Errorf("data: writing shard: %v", err)
		}
		for i := lo; i < hi; i++ {
			r, _ := run.next()
			if err := ctx.Err(); err != nil {
				sw.abort()
				return err
			}
			if r.err != nil {
				if !errors.Is(r.err, ErrBadImage) {
					sw.abort()
					return r.err
				}
				skipped.add(files[i], r.err.Error())
			} else {
				if err := sw.add(labels[i], r.pix); err != nil {
					sw.abort()
					return fmt.Errorf("data: writing %s: %v", final, err)
				}
				ps.Images++
			}
			if r.pix != nil {
				select {
				case free <- r.pix:
				default:
				}
			}
			progress(1)
		}
		if err := sw.finish(final); err != nil {
			sw.abort()
			return fmt.Errorf("data: writing %s: %v", final, err)
		}
		m.setSum(shardFileName(k), sw.sum())
		if err := writeManifest(dir, m); err != nil {
			return err
		}
	}
	return nil
}
