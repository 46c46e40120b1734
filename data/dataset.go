package data

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// DefaultPath is the dataset used when Open is given an empty path: Fashion-MNIST as Debian's
// dataset-fashion-mnist package installs it.
const DefaultPath = "/usr/share/datasets/fashion-mnist"

// Format names an on-disk dataset layout.
type Format int

// The layouts Open understands; FormatAuto asks Open to detect the layout from the path.
const (
	FormatAuto        Format = iota
	FormatImageFolder        // root/<class>/*.{jpg,jpeg,png}, optionally under root/train and root/val
	FormatIDX                // MNIST / Fashion-MNIST idx3/idx1 ubyte files, plain or .gz
	FormatCIFAR10            // CIFAR-10 binary batches data_batch_*.bin and test_batch.bin
	FormatShards             // packed 8-bit RGB shards written by cmd/prep
)

var formatNames = map[Format]string{
	FormatAuto: "auto", FormatImageFolder: "imagefolder", FormatIDX: "idx",
	FormatCIFAR10: "cifar10", FormatShards: "shards",
}

// String returns the format's flag spelling (see ParseFormat).
func (f Format) String() string {
	if s, ok := formatNames[f]; ok {
		return s
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// ParseFormat turns a flag value (auto, imagefolder, idx, cifar10, shards) into a Format.
func ParseFormat(s string) (Format, error) {
	for f, name := range formatNames {
		if strings.EqualFold(s, name) {
			return f, nil
		}
	}
	return FormatAuto, fmt.Errorf("data: unknown format %q (expected auto, imagefolder, idx, cifar10 or shards)", s)
}

// layoutsHelp lists the accepted layouts for error messages.
const layoutsHelp = "expected an ImageFolder root/<class>/*.jpg (or root/train/<class>, root/val/<class>), " +
	"an IDX file or folder (MNIST/Fashion-MNIST, plain or .gz), a CIFAR-10 binary folder " +
	"(data_batch_*.bin, test_batch.bin) or a folder of cmd/prep shards"

// ErrBadImage marks a sample that could not be decoded (corrupt, truncated or not an image); the
// loader skips such samples, counts them and lists them in one warning.
var ErrBadImage = errors.New("unreadable image")

// OpenOptions are Open's settings; the zero value detects the format and uses the defaults below.
type OpenOptions struct {
	Format       Format    // layout to read; FormatAuto detects it from the path
	ImageSize    int       // ImageFolder: side of the centre square after rescaling the shorter side (default 256)
	HoldOut      float64   // fraction of Train held out as Test when the data has no test split (0: Test stays nil)
	Seed         uint64    // picks the held-out samples
	CacheDir     string    // where Stats are cached when the data folder is read-only (default $XDG_CACHE_HOME/alexnet)
	StatsSamples int       // images Stats looks at, evenly spaced over Train (default 20000; all if fewer)
	Workers      int       // goroutines for Stats (default GOMAXPROCS)
	Warn         io.Writer // where warnings about skipped files go (default os.Stderr)
}

// withDefaults fills the zero fields of o.
func (o OpenOptions) withDefaults() OpenOptions {
	if o.ImageSize <= 0 {
		o.ImageSize = 256
	}
	if o.StatsSamples <= 0 {
		o.StatsSamples = 20000
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Warn == nil {
		o.Warn = os.Stderr
	}
	return o
}

// Dataset is an opened dataset: its classes, the native size of its samples and its splits.
type Dataset struct {
	Format                  Format
	Path                    string   // the path Open was given (DefaultPath for "")
	Classes                 []string // class names; a label is an index into Classes
	Channels, Height, Width int      // native sample shape (ImageFolder and shards: 3×ImageSize×ImageSize)
	Train                   *Split   // the training split
	Test                    *Split   // the test or validation split; nil when there is none

	opts      OpenOptions
	statsOnce sync.Once
	stats     *Stats
	statsErr  error
}

// Open reads the dataset at path (DefaultPath if empty), detecting its layout unless opts.Format
// names one. Errors name the path and the layouts that are accepted.
func Open(path string, opts OpenOptions) (*Dataset, error) {
	opts = opts.withDefaults()
	if path == "" {
		path = DefaultPath
	}
	f := opts.Format
	if f == FormatAuto {
		var err error
		if f, err = detect(path); err != nil {
			return nil, err
		}
	}
	var d *Dataset
	var err error
	switch f {
	case FormatImageFolder:
		d, err = openImageFolder(path, opts)
	case FormatIDX:
		d, err = openIDX(path)
	case FormatCIFAR10:
		d, err = openCIFAR(path)
	case FormatShards:
		d, err = openShards(path)
	default:
		return nil, fmt.Errorf("data: %s: unknown format %v", path, f)
	}
	if err != nil {
		return nil, err
	}
	d.Format, d.Path, d.opts = f, path, opts
	for _, s := range []*Split{d.Train, d.Test} {
		if s != nil {
			s.ds = d
		}
	}
	if d.Test == nil && opts.HoldOut > 0 {
		if err := d.holdOut(opts.HoldOut, opts.Seed); err != nil {
			d.Close()
			return nil, err
		}
	}
	return d, nil
}

// Close releases the files a dataset keeps open (shards); it is safe to call more than once.
func (d *Dataset) Close() error {
	var first error
	for _, s := range []*Split{d.Train, d.Test} {
		if s != nil {
			if err := s.src.close(); err != nil && first == nil {
				first = err
			}
		}
	}
	return first
}

// holdOut moves a random fraction of Train into a new Test split (both keep the same source).
func (d *Dataset) holdOut(frac float64, seed uint64) error {
	n := d.Train.Len()
	k := int(frac * float64(n))
	if frac >= 1 || k < 1 || k >= n {
		return fmt.Errorf("data: %s: hold-out fraction %g of %d samples leaves an empty split", d.Path, frac, n)
	}
	perm := permutation(hashKey(seed, streamHoldOut), 0, n)
	test := append([]int(nil), perm[:k]...)
	train := append([]int(nil), perm[k:]...)
	slices.Sort(test)
	slices.Sort(train)
	src := d.Train.src
	d.Train = &Split{Name: "train", ds: d, src: src, index: train}
	d.Test = &Split{Name: "holdout", ds: d, src: nopCloser{src}, index: test}
	return nil
}

// source is one split's storage: a format reader that returns samples by index.
type source interface {
	len() int
	label(i int) int32
	image(i int, dst []byte) error // writes the native HWC uint8 pixels of sample i
	name(i int) string             // file (and record) of sample i, for messages
	fingerprint() string           // changes when the files change; part of the stats cache key
	close() error
}

// nopCloser shares a source between two splits, so that only one of them closes it.
type nopCloser struct{ source }

func (nopCloser) close() error { return nil }

// Split is one part of a dataset (train, test, val or holdout): labelled images of one shape.
type Split struct {
	Name  string
	ds    *Dataset
	src   source
	index []int // sample i of the split is sample index[i] of src; nil means identity
}

// Dataset returns the dataset the split belongs to.
func (s *Split) Dataset() *Dataset { return s.ds }

// Len returns the number of samples.
func (s *Split) Len() int {
	if s.index != nil {
		return len(s.index)
	}
	return s.src.len()
}

// at maps a split index to a source index.
func (s *Split) at(i int) int {
	if s.index != nil {
		return s.index[i]
	}
	return i
}

// Label returns the class index of sample i.
func (s *Split) Label(i int) int { return int(s.src.label(s.at(i))) }

// Image writes sample i into dst as native HWC uint8 pixels (len Channels·Height·Width); an
// undecodable sample gives an error wrapping ErrBadImage.
func (s *Split) Image(i int, dst []byte) error {
	if want := s.ds.Channels * s.ds.Height * s.ds.Width; len(dst) != want {
		panic(fmt.Sprintf("data: Split.Image: dst has %d bytes, want %d", len(dst), want))
	}
	return s.src.image(s.at(i), dst)
}

// SampleName returns the file (and record) sample i comes from.
func (s *Split) SampleName(i int) string { return s.src.name(s.at(i)) }
