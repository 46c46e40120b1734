package train

import "github.com/alexnet-vk/alexnet/layers"

// lrnOf returns the layers.LRN of layer l on m samples of shape in. A grouped LRN (Groups > 1: the
// paper's two GPUs each normalised only their own kernel maps) is the plain one over m·Groups
// samples of in.C/Groups channels: each group's channels are contiguous in NCHW, so the window never
// crosses a group's edge and no kernel needs to know about groups.
func lrnOf(l Layer, in Shape, m int) layers.LRN {
	g := max(l.Groups, 1)
	p := l.LRN
	return layers.LRN{N: m * g, C: in.C / g, H: in.H, W: in.W, Size: p.Size, Alpha: p.Alpha, Beta: p.Beta, K: p.K, AlphaOverN: p.AlphaOverN}
}
