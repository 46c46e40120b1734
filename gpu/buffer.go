package gpu

/*
#include <string.h>
#include "vkc.h"
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// Buffer is a device buffer with a 64-bit device address, read and written by kernels through that
// address (so its size is bounded by maxBufferSize and maxMemoryAllocationSize, not by
// maxStorageBufferRange).
type Buffer struct {
	Name string
	dev  *Device
	b    C.vkc_buffer
	size int64
}

// Kind says where a buffer lives.
type Kind int

const (
	// DeviceMemory is device-local (on lavapipe and resizable-BAR GPUs also host-visible).
	DeviceMemory Kind = iota
	// StagingMemory is host-visible and coherent, for uploads and downloads.
	StagingMemory
)

// NewBuffer allocates size bytes. Sizes past the device's allocation limits are refused with an error,
// never truncated.
func (d *Device) NewBuffer(name string, size int64, kind Kind) (*Buffer, error) {
	if size <= 0 {
		return nil, fmt.Errorf("gpu: buffer %q: size %d must be positive", name, size)
	}
	lim := d.Info.MaxMemoryAllocationSize
	if d.Info.MaxBufferSize > 0 && d.Info.MaxBufferSize < lim {
		lim = d.Info.MaxBufferSize
	}
	if lim > 0 && size > lim {
		return nil, fmt.Errorf("gpu: buffer %q: %s exceeds the device's largest buffer (%s on %s); split the tensor or use a smaller batch",
			name, Bytes(size), Bytes(lim), d.Info.Name)
	}
	// Round up to 16 bytes so vec4 loads of the last elements stay inside the allocation.
	alloc := (size + 15) &^ 15
	b := &Buffer{Name: name, dev: d, size: size}
	if rc := C.vkc_buffer_create(d.d, C.uint64_t(alloc), C.int(kind), &b.b); rc != 0 {
		if rc == -1000 {
			return nil, fmt.Errorf("gpu: buffer %q: the device has no suitable memory type", name)
		}
		return nil, vkError(fmt.Sprintf("allocating buffer %q of %s (%s already in use)", name, Bytes(size), Bytes(d.allocated)), rc)
	}
	d.allocated += alloc
	return b, nil
}

// Size returns the buffer's size in bytes as requested.
func (b *Buffer) Size() int64 { return b.size }

// Addr returns the buffer's device address.
func (b *Buffer) Addr() uint64 { return uint64(b.b.addr) }

// HostVisible reports whether the buffer is mapped into the host's address space.
func (b *Buffer) HostVisible() bool { return b.b.mapped != nil }

// Mapped returns the buffer's memory as a byte slice when it is host-visible, else nil. Writes are
// seen by the next submitted sequence; reads see what the last waited-for sequence wrote.
func (b *Buffer) Mapped() []byte {
	if b.b.mapped == nil {
		return nil
	}
	return unsafe.Slice((*byte)(b.b.mapped), b.size)
}

// Free releases the buffer. Using it afterwards is a programmer error.
func (b *Buffer) Free() {
	if b == nil || b.b.buf == nil {
		return
	}
	b.dev.allocated -= int64(b.b.size)
	C.vkc_buffer_destroy(b.dev.d, &b.b)
}

func (b *Buffer) checkRange(off, n int64, what string) error {
	if b.b.buf == nil {
		return fmt.Errorf("gpu: %s buffer %q: already freed", what, b.Name)
	}
	if off < 0 || n < 0 || off+n > b.size {
		return fmt.Errorf("gpu: %s buffer %q: range [%d, %d) outside its %d bytes", what, b.Name, off, off+n, b.size)
	}
	return nil
}

// Upload copies data into the buffer at byte offset off (through a staging copy when the buffer is
// not host-visible). It waits for completion.
func (b *Buffer) Upload(off int64, data []byte) error {
	if err := b.checkRange(off, int64(len(data)), "upload to"); err != nil || len(data) == 0 {
		return err
	}
	if m := b.Mapped(); m != nil {
		copy(m[off:], data)
		return nil
	}
	st, err := b.dev.NewBuffer(b.Name+".staging", int64(len(data)), StagingMemory)
	if err != nil {
		return err
	}
	defer st.Free()
	copy(st.Mapped(), data)
	return b.dev.copyNow(b, off, st, 0, int64(len(data)))
}

// Download copies len(dst) bytes from byte offset off into dst. It waits for completion.
func (b *Buffer) Download(off int64, dst []byte) error {
	if err := b.checkRange(off, int64(len(dst)), "download from"); err != nil || len(dst) == 0 {
		return err
	}
	if m := b.Mapped(); m != nil {
		copy(dst, m[off:])
		return nil
	}
	st, err := b.dev.NewBuffer(b.Name+".staging", int64(len(dst)), StagingMemory)
	if err != nil {
		return err
	}
	defer st.Free()
	if err := b.dev.copyNow(st, 0, b, off, int64(len(dst))); err != nil {
		return err
	}
	copy(dst, st.Mapped())
	return nil
}

// UploadF32 writes float32 values starting at element index at.
func (b *Buffer) UploadF32(at int, v []float32) error {
	return b.Upload(int64(at)*4, F32Bytes(v))
}

// DownloadF32 reads len(dst) float32 values starting at element index at.
func (b *Buffer) DownloadF32(at int, dst []float32) error {
	return b.Download(int64(at)*4, F32Bytes(dst))
}

// copyNow records a one-off copy with its barriers, submits it and waits.
func (d *Device) copyNow(dst *Buffer, dstOff int64, src *Buffer, srcOff, n int64) error {
	s, err := d.NewSeq("copy", 0)
	if err != nil {
		return err
	}
	defer s.Free()
	s.Copy(dst, dstOff, src, srcOff, n)
	if err := s.End(); err != nil {
		return err
	}
	return s.Run()
}

// F32Bytes views a float32 slice as bytes (no copy).
func F32Bytes(v []float32) []byte {
	if len(v) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), len(v)*4)
}

// I32Bytes views an int32 slice as bytes (no copy).
func I32Bytes(v []int32) []byte {
	if len(v) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), len(v)*4)
}

// Bytes formats a byte count for messages.
func Bytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
