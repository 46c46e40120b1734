package gpu_test

import (
	"strings"
	"testing"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/shaders"
)

// ReadModule reads test_axpb's block, workgroup size and buffer accesses from its SPIR-V.
func TestReadModule(t *testing.T) {
	m, err := gpu.ReadModule(shaders.SPIRV("test_axpb"))
	if err != nil {
		t.Fatal(err)
	}
	want := []gpu.Member{
		{Offset: 0, Size: 8, Kind: gpu.MemberBuffer, Access: gpu.Write}, // F32Out y
		{Offset: 8, Size: 8, Kind: gpu.MemberBuffer, Access: gpu.Read},  // F32In x
		{Offset: 16, Size: 4, Kind: gpu.MemberUint},
		{Offset: 20, Size: 4, Kind: gpu.MemberFloat},
		{Offset: 24, Size: 4, Kind: gpu.MemberFloat},
	}
	if len(m.Push) != len(want) {
		t.Fatalf("members %+v, want %+v", m.Push, want)
	}
	for i := range want {
		if m.Push[i] != want[i] {
			t.Errorf("member %d = %+v, want %+v", i, m.Push[i], want[i])
		}
	}
	if m.LocalSize != [3]int{shaders.LocalSize, 1, 1} || m.SubgroupOps != 0 || m.SharedBytes != 0 || m.Version != [2]int{1, 5} {
		t.Errorf("module %+v: want local size %d, no subgroup operations or shared memory, SPIR-V 1.5", m, shaders.LocalSize)
	}
}

// A Go struct that drifted from its GLSL block is refused, naming the field and the member: a
// missing or extra member (count), a uint where the shader has a float or a buffer (kind), and a
// member the shader places elsewhere (offset).
func TestPushLayoutMismatch(t *testing.T) {
	m, err := gpu.ReadModule(shaders.SPIRV("test_axpb"))
	if err != nil {
		t.Fatal(err)
	}
	type (
		good struct {
			Y, X gpu.Arg
			N    uint32
			A, B float32
		}
		short struct {
			Y, X gpu.Arg
			N    uint32
			A    float32
		}
		intForFloat struct {
			Y, X gpu.Arg
			N    uint32
			A    int32
			B    float32
		}
		scalarForBuffer struct {
			Y    gpu.Arg
			X    uint32
			N    uint32
			A, B float32
			C    float32
		}
		unexported struct {
			Y, X gpu.Arg
			n    uint32
			A, B float32
		}
	)
	if _, err := gpu.PushLayout(m, good{}); err != nil {
		t.Fatalf("the matching struct was refused: %v", err)
	}
	for _, c := range []struct {
		push any
		want string
	}{
		{short{}, "has 4 fields but the shader's block has 5 members"},
		{intForFloat{}, "field gpu_test.intForFloat.A is int32 (int) but the shader's member 3 (byte 20) is a float"},
		{scalarForBuffer{}, "has 6 fields"},
		{unexported{}, "must be an exported"},
		{3, "want a struct"},
	} {
		_, err := gpu.PushLayout(m, c.push)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%T: err = %v, want one containing %q", c.push, err, c.want)
		}
	}
	// A buffer where the shader has a uint, with the count right.
	type bufForUint struct {
		Y, X, N gpu.Arg
		A, B    float32
	}
	if _, err := gpu.PushLayout(m, bufForUint{}); err == nil || !strings.Contains(err.Error(), "N is gpu.Arg (buffer reference) but the shader's member 2 (byte 16) is a uint") {
		t.Errorf("bufForUint: err = %v", err)
	}
	// The shader's member 2 placed at byte 20 (as layout(offset = 20) would): the Go field lands at 16.
	moved := m
	moved.Push = append([]gpu.Member(nil), m.Push...)
	moved.Push[2].Offset, moved.Push[3].Offset, moved.Push[4].Offset = 20, 24, 28
	if _, err := gpu.PushLayout(moved, good{}); err == nil || !strings.Contains(err.Error(), "field gpu_test.good.N lands at byte 16 but the shader's member 2 is at byte 20") {
		t.Errorf("moved member: err = %v", err)
	}
}
