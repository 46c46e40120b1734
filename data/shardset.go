package data

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/alexnet-vk/alexnet/internal/regfile"
)

// A shard folder (one split) holds manifest.json and shard-00000.shard … shard-NNNNN.shard; a prep
// output folder holds one such folder per split (train, val). The manifest is written before the
// first shard and says how many shards make the split, so a reader can tell a finished split from
// one whose cmd/prep run was interrupted.

// manifestName is the manifest's file name inside a split's shard folder.
const manifestName = "manifest.json"

// shardManifest describes one split's prep run; two runs with equal manifests write equal shards.
type shardManifest struct {
	Version   int      `json:"version"`
	Size      int      `json:"size"`       // images are Size×Size×3
	ShardSize int      `json:"shard_size"` // source files per shard (a shard holds fewer when some are unreadable)
	Shards    int      `json:"shards"`
	Files     int      `json:"files"`     // source files listed
	ListHash  string   `json:"list_hash"` // SHA-256 of the source file list and labels
	Source    string   `json:"source"`
	Classes   []string `json:"classes"`
	// Sums has the size and checksum of each finished shard file (by name), recorded as prep
	// finishes it; a rerun checks kept shards against them, and a reader checks the sizes.
	Sums map[string]shardSum `json:"shard_sums,omitempty"`
}

// shardSum identifies a finished shard file's contents.
type shardSum struct {
	Bytes  int64  `json:"bytes"`
	CRC32C string `json:"crc32c"` // CRC-32C of the whole file, 8 hex digits
}

// setSum records a finished shard's sum.
func (m *shardManifest) setSum(name string, s shardSum) {
	if m.Sums == nil {
		m.Sums = map[string]shardSum{}
	}
	m.Sums[name] = s
}

// maxManifestBytes bounds manifest.json (class names and shard sums; ImageNet-21k's is ~1 MB).
const maxManifestBytes = 64 << 20

// shardFileName returns the name of shard k.
func shardFileName(k int) string { return fmt.Sprintf("shard-%05d.shard", k) }

// readManifest reads dir/manifest.json.
func readManifest(dir string) (*shardManifest, error) {
	b, err := regfile.ReadFile(filepath.Join(dir, manifestName), maxManifestBytes, "a cmd/prep manifest (JSON)")
	if err != nil {
		return nil, err
	}
	var m shardManifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("data: %s: bad manifest: %v", filepath.Join(dir, manifestName), err)
	}
	return &m, nil
}

// shardSource is one split stored as shard files, read image by image with ReadAt.
type shardSource struct {
	dir    string
	files  []*os.File
	heads  []*shardHeader
	starts []int  // starts[k] = index of shard k's first image; starts[len] = total
	ident  string // the shard files as fileIdent gives them when opened
	once   sync.Once
}

func (s *shardSource) len() int { return s.starts[len(s.starts)-1] }

// locate returns the shard holding image i and i's index inside it.
func (s *shardSource) locate(i int) (int, int) {
	k, found := slices.BinarySearch(s.starts, i)
	if !found {
		k--
	}
	for s.starts[k+1] == i { // skip empty shards
		k++
	}
	return k, i - s.starts[k]
}

func (s *shardSource) label(i int) int32 {
	k, j := s.locate(i)
	return s.heads[k].labels[j]
}

func (s *shardSource) name(i int) string {
	k, j := s.locate(i)
	return fmt.Sprintf("%s[%d]", s.files[k].Name(), j)
}

func (s *shardSource) image(i int, dst []byte) error {
	k, j := s.locate(i)
	return readShardImage(s.files[k].Name(), s.files[k], s.heads[k], j, dst)
}

func (s *shardSource) fingerprint() string { return s.ident }

func (s *shardSource) close() error {
	var first error
	s.once.Do(func() {
		for _, f := range s.files {
			if err := f.Close(); err != nil && first == nil {
				first = err
			}
		}
	})
	return first
}

// openShardDir opens one split's shard folder, checking that every shard the manifest lists is
// there, valid and of the manifest's shape and classes.
func openShardDir(dir string) (*shardSource, *shardManifest, error) {
	m, err := readManifest(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("data: %s: not a shard folder: %v", dir, err)
	}
	if m.Shards < 1 || m.Size < 1 || len(m.Classes) == 0 {
		return nil, nil, fmt.Errorf("data: %s: manifest lists %d shards of size %d and %d classes", dir, m.Shards, m.Size, len(m.Classes))
	}
	s := &shardSource{dir: dir, starts: []int{0}}
	for k := 0; k < m.Shards; k++ {
		p := filepath.Join(dir, shardFileName(k))
		f, fi, err := regfile.Open(p, "a cmd/prep shard")
		if errors.Is(err, os.ErrNotExist) {
			s.close()
			return nil, nil, fmt.Errorf("data: %s: shard %d of %d is missing (an interrupted cmd/prep run? rerun it to finish): %v",
				dir, k, m.Shards, err)
		}
		if err != nil {
			s.close()
			return nil, nil, fmt.Errorf("data: %v (rerun cmd/prep to rebuild it)", err)
		}
		s.files = append(s.files, f)
		s.ident += fileIdent(p, fi)
		if sum, ok := m.Sums[shardFileName(k)]; ok && sum.Bytes != fi.Size() {
			s.close()
			return nil, nil, fmt.Errorf("data: %s: %d bytes, but %s recorded %d (damaged or replaced; rerun cmd/prep to rebuild it)",
				p, fi.Size(), filepath.Join(dir, manifestName), sum.Bytes)
		}
		h, err := readShardHeader(p, f, fi.Size())
		if err != nil {
			s.close()
			return nil, nil, err
		}
		if h.h != m.Size || h.w != m.Size || h.c != 3 || !slices.Equal(h.classes, m.Classes) {
			s.close()
			return nil, nil, fmt.Errorf("data: %s: shape %dx%dx%d or classes differ from %s", p, h.h, h.w, h.c, filepath.Join(dir, manifestName))
		}
		s.heads = append(s.heads, h)
		s.starts = append(s.starts, s.starts[k]+len(h.labels))
		if s.len() > splitMaxCount {
			s.close()
			return nil, nil, fmt.Errorf("data: %s: the shards hold more than %d images", dir, splitMaxCount)
		}
	}
	if s.len() == 0 {
		s.close()
		return nil, nil, fmt.Errorf("data: %s: the shards hold no images", dir)
	}
	return s, m, nil
}

// openShards opens a prep output folder (train and val/test shard folders inside) or one shard folder.
func openShards(path string) (*Dataset, error) {
	if _, err := os.Lstat(filepath.Join(path, manifestName)); err == nil {
		src, m, err := openShardDir(path)
		if err != nil {
			return nil, err
		}
		return &Dataset{Classes: m.Classes, Channels: 3, Height: m.Size, Width: m.Size,
			Train: &Split{Name: "train", src: src}}, nil
	}
	train := filepath.Join(path, "train")
	src, m, err := openShardDir(train)
	if err != nil {
		return nil, err
	}
	d := &Dataset{Classes: m.Classes, Channels: 3, Height: m.Size, Width: m.Size, Train: &Split{Name: "train", src: src}}
	for _, n := range splitDirs[1:] {
		dir := filepath.Join(path, n)
		if _, err := os.Stat(filepath.Join(dir, manifestName)); err != nil {
			continue
		}
		tsrc, tm, err := openShardDir(dir)
		if err != nil {
			src.close()
			return nil, err
		}
		if tm.Size != m.Size || !slices.Equal(tm.Classes, m.Classes) {
			src.close()
			tsrc.close()
			return nil, fmt.Errorf("data: %s: size or classes differ from %s", dir, train)
		}
		d.Test = &Split{Name: n, src: tsrc}
		break
	}
	return d, nil
}
