package vk

import (
	"fmt"

	"github.com/alexnet-vk/alexnet/gpu"
)

var (
	kSoftmaxCE       = register("softmaxce_loss", softmaxCEPC{})
	kSoftmaxCEReduce = register("softmaxce_reduce", softmaxCEReducePC{})
)

// softmaxCEPC and softmaxCEReducePC mirror softmaxce_loss.comp's and softmaxce_reduce.comp's push constants.
type (
	softmaxCEPC struct {
		DZ, Loss, Hits, Z, Labels gpu.Arg
		N, K                      uint32
		GradScale                 float32
	}
	softmaxCEReducePC struct {
		Stats, Loss, Hits gpu.Arg
		N                 uint32
	}
)

// Layout of the statistics SoftmaxCEReduce writes: three float32 words.
const (
	StatLossSum = iota // Σ_n loss[n]
	StatTop1           // samples whose label has the largest logit (ties to the lower class)
	StatTop5           // samples whose label ranks among the five largest logits
	StatFloats         // the length of stats
)

// SoftmaxCE records the fused softmax and cross-entropy of logits z [n, k] with labels [n] (int32),
// as layers.SoftmaxCE, plus each sample's top-1/top-5 hits as layers.TopKCorrect ranks them:
//
//	loss[i] = logΣ_j exp(z[i,j]) − z[i,label],   dz[i,j] = (softmax(z[i])_j − [j == label])·gradScale
//	hits[i] = {rank < 1, rank < 5} as int32, rank = #{j : z_j > z_label} + #{j < label : z_j == z_label}
//
// dz [n,k], loss [n] and hits [n,2] are overwritten. A label outside [0, k) (checked on the device,
// since labels live there) gives loss NaN, dz 0 and no hits.
func (l *Lib) SoftmaxCE(s *gpu.Seq, dz, loss, hits, z, labels gpu.Arg, n, k int, gradScale float32) {
	if n <= 0 || k <= 0 {
		panic(fmt.Sprintf("vk: SoftmaxCE: n = %d, k = %d, want both > 0", n, k))
	}
	mustFit("softmaxce dz", dz, n*k)
	mustFit("softmaxce loss", loss, n)
	mustFit("softmaxce hits", hits, 2*n)
	mustFit("softmaxce z", z, n*k)
	mustFit("softmaxce labels", labels, n)
	s.Dispatch(l.kernel(kSoftmaxCE), l.Dev.Fold(n), softmaxCEPC{DZ: dz, Loss: loss, Hits: hits, Z: z, Labels: labels, N: u32(n), K: u32(k), GradScale: gradScale})
}

// SoftmaxCEReduce records stats = {Σ loss, Σ top-1 hits, Σ top-5 hits} (float32, indexed by
// StatLossSum, StatTop1, StatTop5) over the n samples SoftmaxCE wrote, so the host downloads 12 bytes
// per step. stats [3] is overwritten; loss [n]; hits [n,2].
func (l *Lib) SoftmaxCEReduce(s *gpu.Seq, stats, loss, hits gpu.Arg, n int) {
	if n <= 0 {
		panic(fmt.Sprintf("vk: SoftmaxCEReduce: n = %d, want > 0", n))
	}
	mustFit("softmaxce stats", stats, StatFloats)
	mustFit("softmaxce loss", loss, n)
	mustFit("softmaxce hits", hits, 2*n)
	s.Dispatch(l.kernel(kSoftmaxCEReduce), gpu.Grid{X: 1, Y: 1, Z: 1}, softmaxCEReducePC{Stats: stats, Loss: loss, Hits: hits, N: u32(n)})
}
