package weights

import (
	"encoding/binary"
	"math"
	"testing"
)

func TestHalfToFloat32(t *testing.T) {
	for _, tc := range []struct {
		bits uint16
		want float32
	}{
		{0x0000, 0}, {0x3c00, 1}, {0xc000, -2}, {0x7bff, 65504}, {0x3555, 0.333251953125},
		{0x0001, 1.0 / (1 << 24)}, {0x03ff, 1023.0 / (1 << 24)}, {0x0400, 1.0 / (1 << 14)},
		{0x7c00, float32(math.Inf(1))}, {0xfc00, float32(math.Inf(-1))},
	} {
		if got := halfToFloat32(tc.bits); got != tc.want {
			t.Errorf("halfToFloat32(%#04x) = %g, want %g", tc.bits, got, tc.want)
		}
	}
	if got := halfToFloat32(0x8000); got != 0 || !math.Signbit(float64(got)) {
		t.Errorf("halfToFloat32(0x8000) = %g, want -0", got)
	}
	// Every one of the 65536 bit patterns against the definition, computed in float64:
	// (−1)^s · 2^(e−15) · (1 + m/1024), or (−1)^s · 2^−14 · m/1024 when e = 0.
	for h := 0; h < 1<<16; h++ {
		s, e, m := h>>15, (h>>10)&0x1f, h&0x3ff
		got := float64(halfToFloat32(uint16(h)))
		var want float64
		switch {
		case e == 0x1f && m == 0:
			want = math.Inf(1)
		case e == 0x1f:
			want = math.NaN()
		case e == 0:
			want = math.Ldexp(float64(m)/1024, -14)
		default:
			want = math.Ldexp(1+float64(m)/1024, e-15)
		}
		if s == 1 {
			want = -want
		}
		if got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Fatalf("halfToFloat32(%#04x) = %g, want %g", h, got, want)
		}
	}
}

func TestDecodeInto(t *testing.T) {
	le, be := binary.LittleEndian, binary.BigEndian
	tests := []struct {
		dtype string
		raw   []byte
		order byteOrder
		data  []float32
		ints  []int64
	}{
		{"F32", []byte{0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0}, le, []float32{1, -2}, nil},
		{"F32", []byte{0x3f, 0x80, 0, 0}, be, []float32{1}, nil},
		{"F16", []byte{0x00, 0x3c, 0x00, 0xc0}, le, []float32{1, -2}, nil},
		{"BF16", []byte{0x80, 0x3f, 0xc0, 0x40}, le, []float32{1, 6}, nil},
		{"BF16", []byte{0x3f, 0x80}, be, []float32{1}, nil},
		{"F64", []byte{0, 0, 0, 0, 0, 0, 0xf0, 0x3f}, le, []float32{1}, nil},
		{"I64", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, le, nil, []int64{-1}},
		{"I64", []byte{0, 0, 0, 0, 0, 0, 0, 5}, be, nil, []int64{5}},
		{"I32", []byte{0xfe, 0xff, 0xff, 0xff, 7, 0, 0, 0}, le, nil, []int64{-2, 7}},
	}
	for _, tc := range tests {
		var got Tensor
		dt := dtypes[tc.dtype]
		decodeInto(&got, dt, tc.raw, len(tc.raw)/dt.size, tc.order)
		if d := sameTensors([]Tensor{got}, []Tensor{{Data: tc.data, Ints: tc.ints}}); d != "" {
			t.Errorf("%s %v: got %v %v, want %v %v", tc.dtype, tc.raw, got.Data, got.Ints, tc.data, tc.ints)
		}
	}
}

func TestGather(t *testing.T) {
	// A 3×2 view with strides (1, 3) of span 0..5 is the transpose of the 2×3 matrix [[0 1 2] [3 4 5]].
	span := []int{0, 1, 2, 3, 4, 5}
	tests := []struct {
		size, stride, want []int
	}{
		{[]int{3, 2}, []int{1, 3}, []int{0, 3, 1, 4, 2, 5}},
		{[]int{2, 3}, []int{3, 1}, []int{0, 1, 2, 3, 4, 5}},
		{[]int{3}, []int{2}, []int{0, 2, 4}},
		{[]int{2, 1, 2}, []int{3, 7, 2}, []int{0, 2, 3, 5}},
		{[]int{}, []int{}, []int{0}},
	}
	for _, tc := range tests {
		n := 1
		for _, d := range tc.size {
			n *= d
		}
		got := gather(span, tc.size, tc.stride, n)
		if len(got) != len(tc.want) {
			t.Fatalf("gather(%v, %v) = %v, want %v", tc.size, tc.stride, got, tc.want)
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Fatalf("gather(%v, %v) = %v, want %v", tc.size, tc.stride, got, tc.want)
			}
		}
	}
}
