package data

import (
	"errors"
	"fmt"
	"io"
	"sync"
)

// Batch is one batch of normalised crops and their labels.
type Batch struct {
	// X holds (N·Crops)×C×H×W float32, NCHW; image n's crop k is row n·Crops+k. With TenCrop the
	// crops are, in order: top-left, top-right, bottom-left, bottom-right, centre, then each of those
	// five mirrored left-right, in the same order (the paper's §4.1 test-time crops).
	X       []float32
	Labels  []int32 // N labels, one per image
	Index   []int   // N split indices of the images (an unreadable image's substitute included)
	N       int     // images; less than BatchSize only for a kept last batch or a Part of Parts
	Crops   int     // 1, or 10 with TenCrop
	C, H, W int     // shape of one crop
	Epoch   int     // epoch this batch belongs to
	Step    int     // position of this batch within its epoch
}

// Loader assembles batches from a split on worker goroutines, ahead of the consumer, with bounded
// memory: at most Prefetch+2 batches exist at any time.
type Loader struct {
	split   *Split
	cfg     LoaderConfig
	pipe    *pipeline
	perEp   int // batches per epoch
	run     *ordered[result]
	free    chan *Batch
	cur     *Batch
	skipped skipList
	epoch   int // epoch of the last batch handed out, for the per-epoch warning
	scratch sync.Pool

	permMu sync.Mutex
	perms  map[int][]int // epoch → sample order, a few recent epochs only
}

// result is one assembled batch or the error that stopped it.
type result struct {
	b   *Batch
	err error
}

// NewLoader starts loading batches of s as cfg says; call Close when done.
func NewLoader(s *Split, cfg LoaderConfig) (*Loader, error) {
	p, err := buildPipeline(s, &cfg)
	if err != nil {
		return nil, err
	}
	n := s.Len()
	l := &Loader{split: s, cfg: cfg, pipe: p, perEp: n / cfg.BatchSize, perms: map[int][]int{}, epoch: cfg.StartEpoch}
	if cfg.KeepLast {
		l.perEp = (n + cfg.BatchSize - 1) / cfg.BatchSize
	}
	if l.perEp == 0 {
		return nil, fmt.Errorf("data: loader: %s split of %s has %d samples, fewer than batch size %d (lower it or set KeepLast)",
			s.Name, s.ds.Path, n, cfg.BatchSize)
	}
	if cfg.StartEpoch < 0 || cfg.StartBatch < 0 || cfg.StartBatch >= l.perEp {
		return nil, fmt.Errorf("data: loader: start at epoch %d batch %d, but an epoch has batches 0..%d",
			cfg.StartEpoch, cfg.StartBatch, l.perEp-1)
	}
	count := -1
	if cfg.Epochs > 0 {
		count = cfg.Epochs*l.perEp - cfg.StartBatch
	}
	l.free = make(chan *Batch, cfg.Prefetch+2)
	first := cfg.StartEpoch*l.perEp + cfg.StartBatch
	l.run = startOrdered(count, cfg.Workers, cfg.Prefetch, func(k int) result {
		b, err := l.build(first + k)
		return result{b, err}
	})
	return l, nil
}

// BatchesPerEpoch returns how many batches make one epoch.
func (l *Loader) BatchesPerEpoch() int { return l.perEp }

// Skipped returns how many distinct unreadable images the loader has met so far.
func (l *Loader) Skipped() int { return l.skipped.count() }

// Next returns the next batch, valid until the following call to Next or Close; io.EOF after the
// last epoch. Unreadable images met in an epoch are reported in one warning when the epoch ends.
func (l *Loader) Next() (*Batch, error) {
	if l.cur != nil {
		select {
		case l.free <- l.cur:
		default:
		}
		l.cur = nil
	}
	r, ok := l.run.next()
	if !ok {
		l.warn()
		return nil, io.EOF
	}
	if r.err != nil {
		return nil, r.err
	}
	if r.b.Epoch != l.epoch {
		l.warn()
		l.epoch = r.b.Epoch
	}
	l.cur = r.b
	return r.b, nil
}

// warn reports the unreadable images met since the last warning.
func (l *Loader) warn() {
	l.skipped.flush(l.split.ds.opts.Warn, fmt.Sprintf("unreadable images in %s (each replaced by the next readable one)", l.split.Name))
}

// Close stops the workers and waits for them; it is safe to call more than once.
func (l *Loader) Close() error {
	l.run.close()
	l.warn()
	return nil
}

// order returns the sample order of an epoch: a seeded permutation when training, else 0..n-1.
func (l *Loader) order(epoch int) []int {
	if !l.cfg.Train {
		return nil
	}
	l.permMu.Lock()
	defer l.permMu.Unlock()
	if p, ok := l.perms[epoch]; ok {
		return p
	}
	for e := range l.perms { // workers are at most a couple of epochs apart
		if e < epoch-1 {
			delete(l.perms, e)
		}
	}
	p := permutation(l.cfg.Seed, epoch, l.split.Len())
	l.perms[epoch] = p
	return p
}

// build assembles absolute batch number abs (= epoch·BatchesPerEpoch + batch).
func (l *Loader) build(abs int) (*Batch, error) {
	epoch, bi := abs/l.perEp, abs%l.perEp
	n := l.split.Len()
	lo := bi * l.cfg.BatchSize
	hi := min(lo+l.cfg.BatchSize, n)
	if parts := l.cfg.Parts; parts > 1 { // this rank's share of the batch
		size, part := hi-lo, l.cfg.Part
		lo, hi = lo+part*size/parts, lo+(part+1)*size/parts
	}
	p := l.pipe
	crops := 1
	if !l.cfg.Train && l.cfg.TenCrop {
		crops = 10
	}
	var b *Batch
	select {
	case b = <-l.free:
	default:
		b = &Batch{X: make([]float32, l.cfg.BatchSize*crops*p.co*p.crop*p.crop),
			Labels: make([]int32, l.cfg.BatchSize), Index: make([]int, l.cfg.BatchSize)}
	}
	b.N, b.Crops, b.C, b.H, b.W, b.Epoch, b.Step = hi-lo, crops, p.co, p.crop, p.crop, epoch, bi
	b.X = b.X[:cap(b.X)][:b.N*crops*p.co*p.crop*p.crop]
	b.Labels, b.Index = b.Labels[:cap(b.Labels)][:b.N], b.Index[:cap(b.Index)][:b.N]
	perm := l.order(epoch)
	sc, _ := l.scratch.Get().(*loaderScratch)
	if sc == nil {
		sc = &loaderScratch{native: make([]byte, l.split.ds.Channels*l.split.ds.Height*l.split.ds.Width),
			resized: make([]byte, p.cn*p.h*p.w)}
	}
	defer l.scratch.Put(sc)
	for j := 0; j < b.N; j++ {
		i := lo + j
		if perm != nil {
			i = perm[i]
		}
		idx, err := l.readSample(i, sc)
		if err != nil {
			return nil, err
		}
		b.Index[j], b.Labels[j] = idx, int32(l.split.Label(idx))
		img := sc.native
		if l.cfg.Resize > 0 {
			resizeBilinearHWC(sc.resized, p.h, p.w, sc.native, l.split.ds.Height, l.split.ds.Width, p.cn)
			img = sc.resized
		}
		out := b.X[j*crops*p.co*p.crop*p.crop:]
		l.augment(out, img, epoch, i, crops)
	}
	return b, nil
}

// loaderScratch holds one worker's image buffers.
type loaderScratch struct{ native, resized []byte }

// readSample decodes sample i into sc.native; an unreadable sample is recorded and replaced by the
// next readable one (i+1, i+2, … wrapping), the same for every run and worker count.
func (l *Loader) readSample(i int, sc *loaderScratch) (int, error) {
	n := l.split.Len()
	for t := 0; t < n; t++ {
		idx := (i + t) % n
		err := l.split.Image(idx, sc.native)
		if err == nil {
			return idx, nil
		}
		if !errors.Is(err, ErrBadImage) {
			return 0, err
		}
		l.skipped.add(l.split.SampleName(idx), err.Error())
	}
	return 0, fmt.Errorf("data: %s: none of the %d images of the %s split can be read", l.split.ds.Path, n, l.split.Name)
}

// augment writes sample i's crops into out: one random crop (training; the centre one with
// CentreCrop) or the centre / ten crops. The random draws are, in this order: crop row, crop column,
// flip, then one α per native channel, all from the stream of (Seed, epoch, i), so switching one
// option off leaves the others unchanged.
func (l *Loader) augment(out []float32, img []byte, epoch, i, crops int) {
	p := l.pipe
	ph, pw := p.h+2*p.pad, p.w+2*p.pad
	size := p.co * p.crop * p.crop
	cy, cx := (ph-p.crop)/2, (pw-p.crop)/2
	if l.cfg.Train {
		r := newRNG(l.cfg.Seed, streamAugment, uint64(epoch), uint64(i))
		oy, ox := r.intn(ph-p.crop+1), r.intn(pw-p.crop+1)
		if l.cfg.CentreCrop {
			oy, ox = cy, cx
		}
		flip := r.bool() && l.cfg.Flip
		var alpha [3]float64
		for k := 0; k < p.cn; k++ {
			alpha[k] = r.normal()
		}
		p.render(out[:size], img, oy, ox, flip, p.noise(alpha[:p.cn]))
		return
	}
	if crops == 1 {
		p.render(out[:size], img, cy, cx, false, [3]float32{})
		return
	}
	ey, ex := ph-p.crop, pw-p.crop
	pos := [5][2]int{{0, 0}, {0, ex}, {ey, 0}, {ey, ex}, {cy, cx}}
	for k := 0; k < 10; k++ {
		p.render(out[k*size:(k+1)*size], img, pos[k%5][0], pos[k%5][1], k >= 5, [3]float32{})
	}
}
