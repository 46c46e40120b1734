package gpu

/*
#include "vkc.h"
*/
import "C"

import (
	"fmt"
	"time"
	"unsafe"
)

// Pipeline stages and access bits used by the barrier tracker (Vulkan's values).
const (
	stageTransfer = 0x00001000 // VK_PIPELINE_STAGE_TRANSFER_BIT
	stageCompute  = 0x00000800 // VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT
	stageHost     = 0x00004000 // VK_PIPELINE_STAGE_HOST_BIT
	accShaderRead = 0x00000020
	accShaderWr   = 0x00000040
	accXferRead   = 0x00000800
	accXferWr     = 0x00001000
	accHostRead   = 0x00002000
	deviceStages  = stageTransfer | stageCompute
	deviceWrites  = accShaderWr | accXferWr
	deviceAccess  = accShaderRead | accShaderWr | accXferRead | accXferWr
)

// Seq records commands into one command buffer, inserting the barriers the recorded accesses need:
// shader/transfer writes before later reads or writes of the same buffer, reads before later writes
// (write-after-read), previous submissions before this one, and device writes before host reads after
// Run. A recorded Seq can be Run any number of times unchanged.
type Seq struct {
	Name string
	dev  *Device
	s    C.vkc_seq

	// pending accesses since the last barrier, per buffer
	writes map[*Buffer]uint32 // stage mask
	reads  map[*Buffer]uint32
	ended  bool

	// Log lists the recorded commands and barriers, for tests and debugging.
	Log []string

	stamps []string
	// Tag prefixes the labels of automatic timestamps (e.g. the layer being recorded).
	Tag     string
	profile bool
}

// ProfileEach makes the sequence write a timestamp after every command (up to the reserved count),
// labelled Tag + command, so Timings gives per-kernel device times. Call before the first command.
func (s *Seq) ProfileEach() {
	s.profile = true
	s.Timestamp("start")
}

// NewSeq starts recording. maxTimestamps > 0 reserves that many timestamp queries.
func (d *Device) NewSeq(name string, maxTimestamps int) (*Seq, error) {
	s := &Seq{Name: name, dev: d, writes: map[*Buffer]uint32{}, reads: map[*Buffer]uint32{}}
	if maxTimestamps > 0 && d.Info.TimestampPeriodNs == 0 {
		maxTimestamps = 0 // the device has no timestamps: Timings reports that
	}
	if rc := C.vkc_seq_create(d.d, C.uint32_t(maxTimestamps), &s.s); rc != 0 {
		C.vkc_seq_destroy(d.d, &s.s)
		return nil, vkError("creating sequence "+name, rc)
	}
	if rc := C.vkc_seq_begin(d.d, &s.s); rc != 0 {
		C.vkc_seq_destroy(d.d, &s.s)
		return nil, vkError("recording sequence "+name, rc)
	}
	// Make the writes of earlier submissions visible to this one.
	s.barrier(deviceStages, deviceWrites, deviceStages, deviceAccess)
	return s, nil
}

func (s *Seq) mustRecord() {
	if s.ended {
		panic(fmt.Sprintf("gpu: sequence %q already ended", s.Name))
	}
}

// access records that the next command, in stage, reads rd and writes wr, emitting a barrier first
// when it conflicts with a pending access.
func (s *Seq) access(stage uint32, rd, wr []*Buffer) {
	var srcStage, srcAcc uint32
	for _, b := range rd {
		if st, ok := s.writes[b]; ok { // read after write
			srcStage |= st
			srcAcc |= writeAccess(st)
		}
	}
	for _, b := range wr {
		if st, ok := s.writes[b]; ok { // write after write
			srcStage |= st
			srcAcc |= writeAccess(st)
		}
		if st, ok := s.reads[b]; ok { // write after read: execution dependency
			srcStage |= st
		}
	}
	if srcStage != 0 {
		// One global barrier covers every pending access: simpler than per-buffer barriers and just as
		// fast, since dependent dispatches must serialise anyway.
		for b, st := range s.writes {
			srcStage |= st
			srcAcc |= writeAccess(st)
			delete(s.writes, b)
		}
		for b, st := range s.reads {
			srcStage |= st
			delete(s.reads, b)
		}
		s.barrier(srcStage, srcAcc, deviceStages, deviceAccess)
	}
	for _, b := range rd {
		s.reads[b] |= stage
	}
	for _, b := range wr {
		s.writes[b] |= stage
	}
}

func writeAccess(stage uint32) uint32 {
	var a uint32
	if stage&stageCompute != 0 {
		a |= accShaderWr
	}
	if stage&stageTransfer != 0 {
		a |= accXferWr
	}
	return a
}

func (s *Seq) barrier(srcStage, srcAcc, dstStage, dstAcc uint32) {
	C.vkc_cmd_barrier(s.dev.d, &s.s, C.uint32_t(srcStage), C.uint32_t(srcAcc), C.uint32_t(dstStage), C.uint32_t(dstAcc))
	s.Log = append(s.Log, "barrier")
}

// Dispatch records kernel k over grid g with push constants push, a value of (or pointer to) the
// kernel's push struct (KernelSpec.Push).
func (s *Seq) Dispatch(k *Kernel, g Grid, push any) {
	s.mustRecord()
	pb, args := k.layout.encode(k.Name, push)
	lim := s.dev.Info.MaxWorkgroupCount
	if g.X < 0 || g.Y < 1 || g.Z < 1 || g.X > lim[0] || g.Y > lim[1] || g.Z > lim[2] {
		panic(fmt.Sprintf("gpu: kernel %q: grid %v outside the device's limits %v (use Device.Fold)", k.Name, g, lim))
	}
	if g.X == 0 {
		return
	}
	var rd, wr []*Buffer
	for i, a := range args {
		b := a.B
		if k.Bufs[i]&Read != 0 {
			rd = append(rd, b)
		}
		if k.Bufs[i]&Write != 0 {
			wr = append(wr, b)
		}
	}
	s.access(stageCompute, rd, wr)
	var pp unsafe.Pointer
	if len(pb) > 0 {
		pp = unsafe.Pointer(&pb[0])
	}
	C.vkc_cmd_dispatch(s.dev.d, &s.s, &k.k, pp, C.uint32_t(g.X), C.uint32_t(g.Y), C.uint32_t(g.Z))
	s.Log = append(s.Log, "dispatch "+k.Name)
	if s.profile {
		s.Timestamp(s.Tag + k.Name)
	}
}

// Copy records a copy of n bytes from src at srcOff to dst at dstOff.
func (s *Seq) Copy(dst *Buffer, dstOff int64, src *Buffer, srcOff, n int64) {
	s.mustRecord()
	if err := dst.checkRange(dstOff, n, "copy to"); err != nil {
		panic(err.Error())
	}
	if err := src.checkRange(srcOff, n, "copy from"); err != nil {
		panic(err.Error())
	}
	if n == 0 {
		return
	}
	s.access(stageTransfer, []*Buffer{src}, []*Buffer{dst})
	C.vkc_cmd_copy(s.dev.d, &s.s, &dst.b, C.uint64_t(dstOff), &src.b, C.uint64_t(srcOff), C.uint64_t(n))
	s.Log = append(s.Log, "copy "+src.Name+" -> "+dst.Name)
	if s.profile {
		s.Timestamp(s.Tag + "copy")
	}
}

// Fill records filling n bytes of dst at off (both multiples of 4) with the 32-bit word.
func (s *Seq) Fill(dst *Buffer, off, n int64, word uint32) {
	s.mustRecord()
	if err := dst.checkRange(off, n, "fill"); err != nil {
		panic(err.Error())
	}
	if off%4 != 0 || n%4 != 0 {
		panic(fmt.Sprintf("gpu: fill of buffer %q: offset %d and size %d must be multiples of 4", dst.Name, off, n))
	}
	if n == 0 {
		return
	}
	s.access(stageTransfer, nil, []*Buffer{dst})
	C.vkc_cmd_fill(s.dev.d, &s.s, &dst.b, C.uint64_t(off), C.uint64_t(n), C.uint32_t(word))
	s.Log = append(s.Log, "fill "+dst.Name)
	if s.profile {
		s.Timestamp(s.Tag + "fill")
	}
}

// Timestamp records the time at which all previous commands have finished, under label. It does
// nothing on devices without timestamps or past the reserved count.
func (s *Seq) Timestamp(label string) {
	s.mustRecord()
	if len(s.stamps) >= int(s.s.query_count) {
		return
	}
	C.vkc_cmd_timestamp(s.dev.d, &s.s, C.uint32_t(len(s.stamps)))
	s.stamps = append(s.stamps, label)
}

// End finishes recording; device writes are made visible to the host after each Run.
func (s *Seq) End() error {
	s.mustRecord()
	s.barrier(deviceStages, deviceWrites, stageHost, accHostRead)
	s.ended = true
	if rc := C.vkc_seq_end(s.dev.d, &s.s); rc != 0 {
		return vkError("ending sequence "+s.Name, rc)
	}
	return nil
}

// Timeout bounds how long Run waits for the device.
var Timeout = 10 * time.Minute

// Run submits the recorded commands and waits for them to finish.
func (s *Seq) Run() error {
	if !s.ended {
		panic(fmt.Sprintf("gpu: sequence %q run before End", s.Name))
	}
	if rc := C.vkc_seq_submit_wait(s.dev.d, &s.s, C.uint64_t(Timeout.Nanoseconds())); rc != 0 {
		return vkError("running sequence "+s.Name, rc)
	}
	return nil
}

// Timing is the device time between one timestamp and the previous one.
type Timing struct {
	Label string
	D     time.Duration
}

// Timings returns, after Run, the time each labelled span took (the first label starts the clock).
func (s *Seq) Timings() ([]Timing, error) {
	if len(s.stamps) < 2 {
		return nil, fmt.Errorf("gpu: sequence %q has %d timestamps (the device may not support them)", s.Name, len(s.stamps))
	}
	raw := make([]uint64, len(s.stamps))
	if rc := C.vkc_seq_timestamps(s.dev.d, &s.s, (*C.uint64_t)(unsafe.Pointer(&raw[0])), C.uint32_t(len(raw))); rc != 0 {
		return nil, vkError("reading timestamps of "+s.Name, rc)
	}
	out := make([]Timing, 0, len(raw)-1)
	for i := 1; i < len(raw); i++ {
		ns := float64(raw[i]-raw[i-1]) * s.dev.Info.TimestampPeriodNs
		out = append(out, Timing{Label: s.stamps[i], D: time.Duration(ns)})
	}
	return out, nil
}

// Free releases the command buffer and its fence.
func (s *Seq) Free() {
	if s == nil || s.s.cmd == nil {
		return
	}
	C.vkc_seq_destroy(s.dev.d, &s.s)
}

// provokeValidationError records an invalid barrier (a shader-write access on the transfer stage), so
// tests can check that the validation layer is watching and that its messages are collected.
func provokeValidationError(d *Device) error {
	s, err := d.NewSeq("invalid", 0)
	if err != nil {
		return err
	}
	defer s.Free()
	C.vkc_cmd_barrier(d.d, &s.s, stageTransfer, accShaderWr, stageCompute, accShaderRead)
	return s.End()
}
