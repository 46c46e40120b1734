package gpu

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Module is what a compute kernel's SPIR-V says about its interface and its needs, read without a
// device: the push-constant block (member offsets, kinds and, for buffer references, the access
// the shader declares), the workgroup size, the shared memory it declares and the subgroup
// operations its capabilities imply.
type Module struct {
	Version     [2]int   // SPIR-V major, minor: from 1.6 on gl_SubgroupSize may vary (see Needs)
	Push        []Member // the push-constant block's members in order (none without one)
	LocalSize   [3]int   // the workgroup size (LocalSize execution mode)
	SharedBytes int      // workgroup (shared) variables, tightly packed
	SubgroupOps uint32   // VkSubgroupFeatureFlags implied by the GroupNonUniform* capabilities
}

// MemberKind is the type of a push-constant member.
type MemberKind uint8

const (
	MemberOther  MemberKind = iota
	MemberUint              // 32-bit unsigned integer
	MemberInt               // 32-bit signed integer
	MemberFloat             // 32-bit float
	MemberBuffer            // a buffer reference (64-bit PhysicalStorageBuffer pointer)
)

func (k MemberKind) String() string {
	return [...]string{"another type", "uint", "int", "float", "buffer reference"}[k]
}

// Member is one member of a push-constant block.
type Member struct {
	Offset, Size int
	Kind         MemberKind
	Access       Access // for a buffer reference: Read (readonly), Write (writeonly) or ReadWrite
}

// PushSize is the size in bytes of the push-constant block (the end of its last member).
func (m Module) PushSize() int {
	size := 0
	for _, p := range m.Push {
		size = max(size, p.Offset+p.Size)
	}
	return size
}

// Invocations is the number of invocations in a workgroup.
func (m Module) Invocations() int { return m.LocalSize[0] * m.LocalSize[1] * m.LocalSize[2] }

// Vulkan's subgroup operation bits (VkSubgroupFeatureFlagBits) and the SPIR-V capabilities that need them.
const (
	SubgroupBasic           uint32 = 0x01
	SubgroupVote            uint32 = 0x02
	SubgroupArithmetic      uint32 = 0x04
	SubgroupBallot          uint32 = 0x08
	SubgroupShuffle         uint32 = 0x10
	SubgroupShuffleRelative uint32 = 0x20
	SubgroupClustered       uint32 = 0x40
	SubgroupQuad            uint32 = 0x80
)

// capabilityOps maps SPIR-V's GroupNonUniform* capabilities (61..68) to the operations they use.
var capabilityOps = map[uint32]uint32{
	61: SubgroupBasic, 62: SubgroupVote, 63: SubgroupArithmetic, 64: SubgroupBallot,
	65: SubgroupShuffle, 66: SubgroupShuffleRelative, 67: SubgroupClustered, 68: SubgroupQuad,
}

// ReadModule reads a compute shader's SPIR-V.
func ReadModule(spv []byte) (Module, error) {
	var m Module
	if len(spv) < 20 || len(spv)%4 != 0 || binary.LittleEndian.Uint32(spv) != 0x07230203 {
		return m, errors.New("gpu: not SPIR-V")
	}
	words := make([]uint32, len(spv)/4)
	for i := range words {
		words[i] = binary.LittleEndian.Uint32(spv[4*i:])
	}
	m.Version = [2]int{int(words[1] >> 16 & 0xff), int(words[1] >> 8 & 0xff)}
	const (
		opCapability, opExecutionMode, opTypeInt, opTypeFloat  = 17, 16, 21, 22
		opTypeVector, opTypeArray, opTypeStruct, opTypePointer = 23, 28, 30, 32
		opConstant, opVariable, opMemberDecorate               = 43, 59, 72
		decNonWritable, decNonReadable, decOffset              = 24, 25, 35
		scWorkgroup, scPushConstant, modeLocalSize             = 4, 9, 17
	)
	type num struct{ width, signed, float uint32 }
	nums := map[uint32]num{}
	vector := map[uint32][2]uint32{}  // type -> (element type, count)
	array := map[uint32][2]uint32{}   // type -> (element type, length constant)
	pointee := map[uint32][2]uint32{} // pointer type -> (storage class, type)
	members := map[uint32][]uint32{}
	consts := map[uint32]uint32{}
	offsets := map[[2]uint32]int{}
	noWrite, noRead := map[uint32]bool{}, map[uint32]bool{} // struct -> some member so decorated
	var pushPtr uint32
	var shared []uint32 // pointer types of workgroup variables
	for i := 5; i < len(words); {
		n, op := int(words[i]>>16), words[i]&0xffff
		if n == 0 || i+n > len(words) {
			return m, errors.New("gpu: malformed SPIR-V")
		}
		a := words[i+1 : i+n]
		switch {
		case op == opCapability && len(a) >= 1:
			m.SubgroupOps |= capabilityOps[a[0]]
		case op == opExecutionMode && len(a) >= 5 && a[1] == modeLocalSize:
			m.LocalSize = [3]int{int(a[2]), int(a[3]), int(a[4])}
		case op == opTypeInt && len(a) >= 3:
			nums[a[0]] = num{width: a[1], signed: a[2]}
		case op == opTypeFloat && len(a) >= 2:
			nums[a[0]] = num{width: a[1], float: 1}
		case op == opTypeVector && len(a) >= 3:
			vector[a[0]] = [2]uint32{a[1], a[2]}
		case op == opTypeArray && len(a) >= 3:
			array[a[0]] = [2]uint32{a[1], a[2]}
		case op == opTypeStruct && len(a) >= 1:
			members[a[0]] = append([]uint32(nil), a[1:]...)
		case op == opTypePointer && len(a) >= 3:
			pointee[a[0]] = [2]uint32{a[1], a[2]}
		case op == opConstant && len(a) >= 3:
			consts[a[1]] = a[2]
		case op == opVariable && len(a) >= 3 && a[2] == scPushConstant:
			pushPtr = a[0]
		case op == opVariable && len(a) >= 3 && a[2] == scWorkgroup:
			shared = append(shared, a[0])
		case op == opMemberDecorate && len(a) >= 3:
			switch a[2] {
			case decOffset:
				if len(a) >= 4 {
					offsets[[2]uint32{a[0], a[1]}] = int(a[3])
				}
			case decNonWritable:
				noWrite[a[0]] = true
			case decNonReadable:
				noRead[a[0]] = true
			}
		}
		i += n
	}
	var size func(ty uint32) int
	size = func(ty uint32) int {
		if nm, ok := nums[ty]; ok {
			return int(nm.width) / 8
		}
		if v, ok := vector[ty]; ok {
			return size(v[0]) * int(v[1])
		}
		if ar, ok := array[ty]; ok {
			return size(ar[0]) * int(consts[ar[1]])
		}
		if ms, ok := members[ty]; ok {
			s := 0
			for _, mt := range ms {
				s += size(mt)
			}
			return s
		}
		return 0
	}
	for _, p := range shared {
		m.SharedBytes += size(pointee[p][1])
	}
	if pushPtr == 0 {
		return m, nil
	}
	st := pointee[pushPtr][1]
	for i, ty := range members[st] {
		mb := Member{Offset: offsets[[2]uint32{st, uint32(i)}]}
		switch nm, isNum := nums[ty]; {
		case isNum && nm.width == 32 && nm.float == 1:
			mb.Kind, mb.Size = MemberFloat, 4
		case isNum && nm.width == 32 && nm.signed == 1:
			mb.Kind, mb.Size = MemberInt, 4
		case isNum && nm.width == 32:
			mb.Kind, mb.Size = MemberUint, 4
		case pointee[ty][0] == 5349: // PhysicalStorageBuffer
			mb.Kind, mb.Size = MemberBuffer, 8
			blk := pointee[ty][1]
			mb.Access = ReadWrite
			if noWrite[blk] {
				mb.Access = Read
			} else if noRead[blk] {
				mb.Access = Write
			}
		default:
			mb.Size = size(ty)
			if mb.Size == 0 {
				return m, fmt.Errorf("gpu: push-constant member %d has a type this reader does not size", i)
			}
		}
		m.Push = append(m.Push, mb)
	}
	return m, nil
}

// PushConstantSize returns the size in bytes of a compute shader's push-constant block, 0 when it
// has none.
func PushConstantSize(spv []byte) (int, error) {
	m, err := ReadModule(spv)
	return m.PushSize(), err
}
