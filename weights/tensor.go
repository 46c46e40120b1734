package weights

import (
	"fmt"
	"math"
)

// Tensor is one named, row-major tensor: Data for floating-point tensors (read from F32, F16, BF16
// or F64 and held as float32), Ints for integer tensors (read from I64 or I32); the other is nil.
type Tensor struct {
	Name  string
	Shape []int
	Data  []float32
	Ints  []int64
}

// Numel returns the number of elements the shape holds: the product of its dimensions, 1 for a
// scalar (empty shape).
func (t *Tensor) Numel() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// dtype describes one element type as files spell it.
type dtype struct {
	name  string // safetensors spelling: "F32", "I64", ...
	size  int    // bytes per element
	float bool   // decoded into Tensor.Data (else into Tensor.Ints)
}

// dtypes are the element types this package reads; others are refused by name.
var dtypes = map[string]dtype{
	"F32":  {"F32", 4, true},
	"F16":  {"F16", 2, true},
	"BF16": {"BF16", 2, true},
	"F64":  {"F64", 8, true},
	"I64":  {"I64", 8, false},
	"I32":  {"I32", 4, false},
}

// byteOrder reads unsigned integers of one endianness from raw element bytes.
type byteOrder interface {
	Uint16([]byte) uint16
	Uint32([]byte) uint32
	Uint64([]byte) uint64
}

// decodeInto fills t.Data or t.Ints from raw, which holds exactly n elements of type dt. One loop
// per dtype keeps the switch out of the per-element path (AlexNet has 61M elements).
func decodeInto(t *Tensor, dt dtype, raw []byte, n int, order byteOrder) {
	if dt.float {
		t.Data = make([]float32, n)
	} else {
		t.Ints = make([]int64, n)
	}
	switch dt.name {
	case "F32":
		for i := range t.Data {
			t.Data[i] = math.Float32frombits(order.Uint32(raw[4*i:]))
		}
	case "F16":
		for i := range t.Data {
			t.Data[i] = halfToFloat32(order.Uint16(raw[2*i:]))
		}
	case "BF16":
		// bfloat16 is the top half of a float32: same sign, exponent and 7 mantissa bits.
		for i := range t.Data {
			t.Data[i] = math.Float32frombits(uint32(order.Uint16(raw[2*i:])) << 16)
		}
	case "F64":
		for i := range t.Data {
			t.Data[i] = float32(math.Float64frombits(order.Uint64(raw[8*i:])))
		}
	case "I64":
		for i := range t.Ints {
			t.Ints[i] = int64(order.Uint64(raw[8*i:]))
		}
	case "I32":
		for i := range t.Ints {
			t.Ints[i] = int64(int32(order.Uint32(raw[4*i:])))
		}
	default:
		panic(fmt.Sprintf("weights: decodeInto: dtype %s not in the dtypes table", dt.name))
	}
}

// halfToFloat32 converts IEEE 754 binary16 bits (1 sign, 5 exponent bits biased by 15, 10 mantissa
// bits) to float32 exactly: value = (−1)^s · 2^(e−15) · 1.m, or 2^−14 · 0.m for subnormals (e = 0).
func halfToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // Inf or NaN: keep the mantissa so NaN payloads survive.
		return math.Float32frombits(sign | 0xff<<23 | mant<<13)
	case exp == 0 && mant == 0:
		return math.Float32frombits(sign)
	case exp == 0: // subnormal: 0.m · 2^−14, exact in float32.
		v := float32(mant) * (1.0 / (1 << 24))
		if sign != 0 {
			v = -v
		}
		return v
	default: // rebias the exponent from 15 to 127.
		return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
	}
}
