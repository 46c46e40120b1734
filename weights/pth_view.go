package weights

import (
	"fmt"
	"slices"
)

// toTensor copies a strided view of its storage into a row-major Tensor named name. Element
// (i0, …, ik) of the view is storage[offset + Σ_d i_d·stride[d]]; views whose elements are not all
// inside the storage are refused, and so are views with more elements than their storage (stride-0
// expansions), which a state_dict never needs and which could ask for unbounded memory.
func (pt *pthTensor) toTensor(name string, order byteOrder) (Tensor, error) {
	s := pt.storage
	dt, ok := dtypes[s.class.dtype]
	if !ok {
		return Tensor{}, fmt.Errorf("tensor %q has dtype %s (torch.%s), which this reader does not convert (it takes F32, F16, BF16, F64, I64, I32)",
			name, s.class.dtype, s.class.torchName)
	}
	if len(pt.size) != len(pt.stride) {
		return Tensor{}, fmt.Errorf("tensor %q: size %v and stride %v differ in length", name, pt.size, pt.stride)
	}
	for d, n := range pt.size {
		if n < 0 || pt.stride[d] < 0 {
			return Tensor{}, fmt.Errorf("tensor %q: size %v, stride %v: negative entries", name, pt.size, pt.stride)
		}
	}
	numel := 1
	if slices.Contains(pt.size, 0) {
		numel = 0
	}
	for _, n := range pt.size {
		if numel > 0 && numel > s.numel/n {
			return Tensor{}, fmt.Errorf("tensor %q: size %v has more elements than its storage's %d (expanded view?); save tensor.contiguous() instead", name, pt.size, s.numel)
		}
		numel *= n
	}
	t := Tensor{Name: name, Shape: slices.Clone(pt.size)}
	if numel == 0 {
		if dt.float {
			t.Data = []float32{}
		} else {
			t.Ints = []int64{}
		}
		return t, nil
	}
	// last is the storage index of the view's last element; each step is bounded by the storage
	// size before it is added, so the sum cannot overflow.
	if pt.offset < 0 || pt.offset >= s.numel {
		return Tensor{}, fmt.Errorf("tensor %q: storage offset %d outside its storage of %d elements", name, pt.offset, s.numel)
	}
	last := pt.offset
	for d, n := range pt.size {
		if n > 1 && pt.stride[d] > (s.numel-1-last)/(n-1) {
			return Tensor{}, fmt.Errorf("tensor %q: offset %d, size %v, stride %v reach past its storage of %d elements", name, pt.offset, pt.size, pt.stride, s.numel)
		}
		last += (n - 1) * pt.stride[d]
	}
	raw, err := s.load()
	if err != nil {
		return Tensor{}, fmt.Errorf("tensor %q: %w", name, err)
	}
	var span Tensor // elements offset..last of the storage, decoded
	decodeInto(&span, dt, raw[pt.offset*dt.size:(last+1)*dt.size], last-pt.offset+1, order)
	if isRowMajor(pt.size, pt.stride) {
		t.Data, t.Ints = span.Data, span.Ints
		return t, nil
	}
	if dt.float {
		t.Data = gather(span.Data, pt.size, pt.stride, numel)
	} else {
		t.Ints = gather(span.Ints, pt.size, pt.stride, numel)
	}
	return t, nil
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
