package weights

import (
	"fmt"
	"slices"
)

// check validates a view against its storage before anything is read, and records its dtype,
// element count and the storage index of its last element. Element (i0, …, ik) of the view is
// storage[offset + Σ_d i_d·stride[d]]; views whose elements are not all inside the storage are
// refused, and so are views with more elements than their storage (stride-0 expansions), which a
// state_dict never needs and which could ask for unbounded memory.
func (pt *pthTensor) check(name string) error {
	s := pt.storage
	dt, ok := dtypes[s.class.dtype]
	if !ok {
		return fmt.Errorf("tensor %q has dtype %s (torch.%s), which this reader does not convert (it takes F32, F16, BF16, F64, I64, I32)",
			name, s.class.dtype, s.class.torchName)
	}
	if len(pt.size) != len(pt.stride) {
		return fmt.Errorf("tensor %q: size %v and stride %v differ in length", name, pt.size, pt.stride)
	}
	for d, n := range pt.size {
		if n < 0 || pt.stride[d] < 0 {
			return fmt.Errorf("tensor %q: size %v, stride %v: negative entries", name, pt.size, pt.stride)
		}
	}
	numel := 1
	if slices.Contains(pt.size, 0) {
		numel = 0
	}
	for _, n := range pt.size {
		if numel > 0 && numel > s.numel/n {
			return fmt.Errorf("tensor %q: size %v has more elements than its storage's %d (expanded view?); save tensor.contiguous() instead", name, pt.size, s.numel)
		}
		numel *= n
	}
	pt.dt, pt.numel = dt, numel
	if numel == 0 {
		return nil
	}
	// last is the storage index of the view's last element; each step is bounded by the storage
	// size before it is added, so the sum cannot overflow.
	if pt.offset < 0 || pt.offset >= s.numel {
		return fmt.Errorf("tensor %q: storage offset %d outside its storage of %d elements", name, pt.offset, s.numel)
	}
	last := pt.offset
	for d, n := range pt.size {
		if n > 1 && pt.stride[d] > (s.numel-1-last)/(n-1) {
			return fmt.Errorf("tensor %q: offset %d, size %v, stride %v reach past its storage of %d elements", name, pt.offset, pt.size, pt.stride, s.numel)
		}
		last += (n - 1) * pt.stride[d]
	}
	pt.last = last
	return nil
}

// decodeView returns the checked view as a row-major Tensor named name, from span, the storage's
// bytes from element pt.offset to pt.last.
func (pt *pthTensor) decodeView(name string, span []byte, order byteOrder) Tensor {
	t := Tensor{Name: name, Shape: slices.Clone(pt.size)}
	if pt.numel == 0 {
		if pt.dt.float {
			t.Data = []float32{}
		} else {
			t.Ints = []int64{}
		}
		return t
	}
	var all Tensor // elements offset..last of the storage, decoded
	decodeInto(&all, pt.dt, span, pt.last-pt.offset+1, order)
	if isRowMajor(pt.size, pt.stride) {
		t.Data, t.Ints = all.Data, all.Ints
		return t
	}
	if pt.dt.float {
		t.Data = gather(all.Data, pt.size, pt.stride, pt.numel)
	} else {
		t.Ints = gather(all.Ints, pt.size, pt.stride, pt.numel)
	}
	return t
}

// isRowMajor reports whether stride is the packed row-major stride of size (dimensions of size 1
// may have any stride, as in PyTorch's is_contiguous).
func isRowMajor(size, stride []int) bool {
	want := 1
	for d := len(size) - 1; d >= 0; d-- {
		if size[d] != 1 && stride[d] != want {
			return false
		}
		want *= size[d]
	}
	return true
}

// gather returns the numel elements out[i] = span[Σ_d i_d·stride[d]] in row-major order of
// (i0, …, ik), for a view whose first element is span[0].
func gather[T any](span []T, size, stride []int, numel int) []T {
	out := make([]T, numel)
	idx := make([]int, len(size))
	pos := 0
	for i := range out {
		out[i] = span[pos]
		// Odometer increment of idx, keeping pos = Σ idx[d]·stride[d].
		for d := len(size) - 1; d >= 0; d-- {
			idx[d]++
			pos += stride[d]
			if idx[d] < size[d] {
				break
			}
			pos -= idx[d] * stride[d]
			idx[d] = 0
		}
	}
	return out
}
