package weights

import (
	"archive/zip"
	"fmt"
	"io"
	"os"
	"sync/atomic"
)

// storageReads counts storage record reads, so tests can check that each is read once.
var storageReads atomic.Int64

// decode reads each storage record once, as far as its views reach, and returns the entries as
// tensors, refusing before any read when they would decode to more than limit bytes. Storages are
// read one at a time, so at most one storage's bytes are held beside the decoded tensors; those
// bytes are bounded by twice what its views hold (a view may skip elements, as w[::2], but the
// gaps may not dwarf the data).
func (p *pthFile) decode(limit int64) ([]Tensor, error) {
	var need int64
	for _, e := range p.entries {
		per := int64(4)
		if !e.t.dt.float {
			per = 8
		}
		if need += int64(e.t.numel) * per; need > limit {
			return nil, fmt.Errorf("the state_dict's tensors decode to more than %d MiB, the limit without a model to check them against", limit>>20)
		}
	}
	byStorage := map[*pthStorage][]int{}
	var storages []*pthStorage
	for i, e := range p.entries {
		if e.t.numel == 0 {
			continue
		}
		if byStorage[e.t.storage] == nil {
			storages = append(storages, e.t.storage)
		}
		byStorage[e.t.storage] = append(byStorage[e.t.storage], i)
	}
	out := make([]Tensor, len(p.entries))
	for i, e := range p.entries {
		if e.t.numel == 0 {
			out[i] = e.t.decodeView(e.name, nil, p.order)
		}
	}
	for _, s := range storages {
		idx := byStorage[s]
		size := int64(s.class.size)
		lo, hi, held := int64(s.numel)*size, int64(0), int64(0)
		for _, i := range idx {
			t := p.entries[i].t
			lo = min(lo, int64(t.offset)*size)
			hi = max(hi, int64(t.last+1)*size)
			held += int64(t.numel) * size
		}
		if hi-lo > 2*held+4096 {
			return nil, fmt.Errorf("storage record %s: its %d view(s) hold %d bytes spread over %d (views with gaps); save the tensors with .contiguous()",
				s.file.Name, len(idx), held, hi-lo)
		}
		span, err := s.read(p.f, lo, hi, 2*held+(1<<20))
		if err != nil {
			return nil, err
		}
		for _, i := range idx {
			e := p.entries[i]
			a := int64(e.t.offset)*size - lo
			b := int64(e.t.last+1)*size - lo
			out[i] = e.t.decodeView(e.name, span[a:b], p.order)
		}
	}
	return out, nil
}

// read returns bytes lo..hi of the storage record, checking first that the record declares exactly
// numel elements. A stored record (torch.save's way) is read where it lies in f; a deflated one is
// inflated from its start and only up to hi, which may not exceed inflateLimit, so a small file
// cannot make the reader inflate gigabytes. A read of the whole record also checks its CRC-32.
func (s *pthStorage) read(f *os.File, lo, hi, inflateLimit int64) ([]byte, error) {
	// Compare by division first: numel × size may overflow for a hostile numel.
	want := uint64(s.numel) * uint64(s.class.size)
	if uint64(s.numel) > s.file.UncompressedSize64/uint64(s.class.size) || s.file.UncompressedSize64 != want {
		return nil, fmt.Errorf("storage record %s holds %d bytes, but the pickle says %d elements of torch.%s (%d bytes)",
			s.file.Name, s.file.UncompressedSize64, s.numel, s.class.torchName, want)
	}
	fail := func(err error) ([]byte, error) {
		return nil, fmt.Errorf("storage record %s (%d bytes): %w", s.file.Name, want, err)
	}
	storageReads.Add(1)
	whole := lo == 0 && uint64(hi) == want
	span := make([]byte, hi-lo)
	switch {
	case s.file.Method == zip.Store && !whole:
		if s.file.CompressedSize64 != want || want > uint64(s.limit) {
			return fail(fmt.Errorf("stored with %d bytes in a %d-byte file", s.file.CompressedSize64, s.limit))
		}
		off, err := s.file.DataOffset()
		if err != nil {
			return fail(err)
		}
		if _, err := f.ReadAt(span, off+lo); err != nil {
			return fail(fmt.Errorf("reading bytes %d to %d: %v", lo, hi, err))
		}
		return span, nil
	case s.file.Method != zip.Store && hi > inflateLimit:
		return fail(fmt.Errorf("compressed, and its views reach byte %d: refusing to inflate more than %d bytes for them", hi, inflateLimit))
	}
	rc, err := s.file.Open()
	if err != nil {
		return fail(err)
	}
	defer rc.Close()
	if _, err := io.CopyN(io.Discard, rc, lo); err != nil {
		return fail(fmt.Errorf("holds fewer bytes than declared: %v", err))
	}
	if _, err := io.ReadFull(rc, span); err != nil {
		return fail(fmt.Errorf("holds fewer bytes than declared: %v", err))
	}
	if whole { // reach the end, where the zip reader checks the size and the CRC-32
		var extra [1]byte
		if n, err := io.ReadFull(rc, extra[:]); n > 0 || err != io.EOF {
			return fail(fmt.Errorf("does not end where declared (%v)", err))
		}
	}
	return span, nil
}
