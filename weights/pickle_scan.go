package weights

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// Argument kinds of pickle opcodes, as Python's pickletools names them.
const (
	argNone    = iota
	argFixed1  // 1-byte argument
	argFixed2  // 2-byte argument
	argFixed4  // 4-byte argument
	argFixed8  // 8-byte argument
	argLine    // text up to '\n'
	argLines2  // two '\n'-terminated lines: module and name (GLOBAL, INST)
	argLen1    // 1-byte length, then that many bytes
	argLen4    // 4-byte little-endian length, then that many bytes
	argLen8    // 8-byte little-endian length, then that many bytes
	argUnknown // not an opcode of protocols 0–5
)

// pickleArgs maps each opcode of pickle protocols 0–5 to the kind of argument that follows it.
var pickleArgs = func() [256]uint8 {
	var a [256]uint8
	for i := range a {
		a[i] = argUnknown
	}
	for _, op := range "(.012NQRabdelostu})]" {
		a[op] = argNone
	}
	for _, op := range []byte{0x81, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8f, 0x90, 0x91, 0x92, 0x93, 0x94, 0x97, 0x98} {
		a[op] = argNone
	}
	for op, kind := range map[byte]uint8{
		'K': argFixed1, 'h': argFixed1, 'q': argFixed1, 0x80: argFixed1, 0x82: argFixed1,
		'M': argFixed2, 0x83: argFixed2,
		'J': argFixed4, 'j': argFixed4, 'r': argFixed4, 0x84: argFixed4,
		'G': argFixed8, 0x95: argFixed8,
		'F': argLine, 'I': argLine, 'L': argLine, 'P': argLine, 'S': argLine, 'V': argLine,
		'g': argLine, 'p': argLine,
		'c': argLines2, 'i': argLines2,
		'U': argLen1, 'C': argLen1, 0x8a: argLen1, 0x8c: argLen1,
		'T': argLen4, 'X': argLen4, 'B': argLen4, 0x8b: argLen4,
		0x8d: argLen8, 0x8e: argLen8, 0x96: argLen8,
	} {
		a[op] = kind
	}
	return a
}()

// scanPickle walks the opcodes of a pickle without running it, before gopickle does: it refuses
// unknown opcodes, length fields that run past the end (so no huge allocation follows), a missing
// STOP, and any GLOBAL or INST naming a global that isAllowedGlobal refuses. STACK_GLOBAL takes its
// names from the stack, so those are checked by the unpickler's FindClass hook instead.
func scanPickle(p []byte) error {
	pos := 0
	for pos < len(p) {
		op, at := p[pos], pos
		pos++
		var n int // bytes of argument after the opcode
		switch pickleArgs[op] {
		case argUnknown:
			return fmt.Errorf("malformed pickle: unknown opcode 0x%02x at byte %d", op, at)
		case argNone:
			if op == '.' {
				return nil
			}
		case argFixed1:
			n = 1
		case argFixed2:
			n = 2
		case argFixed4:
			n = 4
		case argFixed8:
			n = 8
		case argLine, argLines2:
			lines := 1
			if pickleArgs[op] == argLines2 {
				lines = 2
			}
			var parts [2]string
			for l := 0; l < lines; l++ {
				end := bytes.IndexByte(p[pos:], '\n')
				if end < 0 {
					return fmt.Errorf("malformed pickle: opcode 0x%02x at byte %d has an unterminated line", op, at)
				}
				parts[l] = string(p[pos : pos+end])
				pos += end + 1
			}
			if lines == 2 && !isAllowedGlobal(parts[0], parts[1]) {
				return &UnsafePickleError{Module: parts[0], Name: parts[1]}
			}
			continue
		case argLen1, argLen4, argLen8:
			width := map[uint8]int{argLen1: 1, argLen4: 4, argLen8: 8}[pickleArgs[op]]
			if len(p)-pos < width {
				return fmt.Errorf("malformed pickle: opcode 0x%02x at byte %d is truncated", op, at)
			}
			var length uint64
			switch width {
			case 1:
				length = uint64(p[pos])
			case 4:
				length = uint64(binary.LittleEndian.Uint32(p[pos:]))
			case 8:
				length = binary.LittleEndian.Uint64(p[pos:])
			}
			pos += width
			if length > uint64(len(p)-pos) {
				return fmt.Errorf("malformed pickle: opcode 0x%02x at byte %d claims %d bytes but only %d remain", op, at, length, len(p)-pos)
			}
			n = int(length)
		}
		if len(p)-pos < n {
			return fmt.Errorf("malformed pickle: opcode 0x%02x at byte %d is truncated", op, at)
		}
		// FRAME's argument is the length of the opcodes that follow, which gopickle allocates at once.
		if op == 0x95 && binary.LittleEndian.Uint64(p[pos:]) > uint64(len(p)-pos-8) {
			return fmt.Errorf("malformed pickle: FRAME at byte %d claims %d bytes but only %d remain", at, binary.LittleEndian.Uint64(p[pos:]), len(p)-pos-8)
		}
		pos += n
	}
	return fmt.Errorf("malformed pickle: no STOP opcode in %d bytes (truncated?)", len(p))
}
