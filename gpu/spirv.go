package gpu

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// PushConstantSize reads a compute shader's SPIR-V and returns the size in bytes of its push-constant
// block (the end of its last member), so that a kernel whose Go description disagrees with its GLSL
// is refused instead of reading garbage. It returns 0 when the shader has no push constants.
func PushConstantSize(spv []byte) (int, error) {
	if len(spv) < 20 || len(spv)%4 != 0 || binary.LittleEndian.Uint32(spv) != 0x07230203 {
		return 0, errors.New("gpu: not SPIR-V")
	}
	words := make([]uint32, len(spv)/4)
	for i := range words {
		words[i] = binary.LittleEndian.Uint32(spv[4*i:])
	}
	const (
		opTypeInt, opTypeFloat, opTypeVector        = 21, 22, 23
		opTypeStruct, opTypePointer, opVariable     = 30, 32, 59
		opMemberDecorate, decOffset, scPushConstant = 72, 35, 9
	)
	scalar := map[uint32]int{} // type id -> size in bytes
	vector := map[uint32][2]uint32{}
	pointee := map[uint32][2]uint32{} // pointer type -> (storage class, type)
	members := map[uint32][]uint32{}
	offsets := map[[2]uint32]int{}
	var pushPtr uint32
	for i := 5; i < len(words); {
		n, op := int(words[i]>>16), words[i]&0xffff
		if n == 0 || i+n > len(words) {
			return 0, errors.New("gpu: malformed SPIR-V")
		}
		a := words[i+1 : i+n]
		switch op {
		case opTypeInt, opTypeFloat:
			scalar[a[0]] = int(a[1]) / 8
		case opTypeVector:
			vector[a[0]] = [2]uint32{a[1], a[2]}
		case opTypeStruct:
			members[a[0]] = append([]uint32(nil), a[1:]...)
		case opTypePointer:
			pointee[a[0]] = [2]uint32{a[1], a[2]}
		case opVariable:
			if a[2] == scPushConstant {
				pushPtr = a[0]
			}
		case opMemberDecorate:
			if a[2] == decOffset {
				offsets[[2]uint32{a[0], a[1]}] = int(a[3])
			}
		}
		i += n
	}
	if pushPtr == 0 {
		return 0, nil
	}
	st := pointee[pushPtr][1]
	size := 0
	for m, ty := range members[st] {
		var sz int
		switch {
		case scalar[ty] > 0:
			sz = scalar[ty]
		case vector[ty][1] > 0:
			sz = scalar[vector[ty][0]] * int(vector[ty][1])
		default:
			if _, ok := pointee[ty]; !ok {
				return 0, fmt.Errorf("gpu: push-constant member %d has a type this reader does not size", m)
			}
			sz = 8 // a buffer reference (PhysicalStorageBuffer pointer)
		}
		if end := offsets[[2]uint32{st, uint32(m)}] + sz; end > size {
			size = end
		}
	}
	return size, nil
}
