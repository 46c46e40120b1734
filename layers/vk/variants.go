package vk

import (
	"fmt"
	"strings"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/shaders"
)

// Product is a family of product kernels that comes in several variants.
type Product string

const (
	// ProductGemm is the strided batched gemm (gemm, gemm_narrow): linear forward and backward,
	// conv2d backward-filter, and conv2d's im2col + gemm paths.
	ProductGemm Product = "gemm"
	// ProductConv is the implicit-gemm convolution (conv2d_fwd, conv2d_fwd_narrow): conv2d forward
	// and stride-1 backward-data.
	ProductConv Product = "conv2d_fwd"
)

// products lists the products in the order Choose reports them.
var products = []Product{ProductGemm, ProductConv}

// Uses says which layer passes run on the product's kernels.
func (p Product) Uses() string {
	switch p {
	case ProductGemm:
		return "linear fwd/bwd, conv backward-filter, conv im2col paths"
	case ProductConv:
		return "conv forward, conv backward-data (stride 1)"
	}
	return ""
}

// Variant is one implementation of every product kernel: a wide and a narrow kernel per product
// (narrow for products with at most NarrowCols columns) over a tile of Rows rows × Cols columns per
// workgroup. Adding a variant is adding its shaders and one entry to variants.
type Variant struct {
	Name string
	Doc  string // what it is and where it fits, one line
	// Kernels holds the wide and the narrow kernel of each product.
	Kernels map[Product][2]string
	// BwdFilter, where set, is the variant's wide, narrow and mid (MidCols columns) implicit conv
	// backward-filter kernel (conv2d_bwd_filter: the tile reading the padded input, no column
	// matrix), picked by columns as gemmKernel picks; they count among the gemm product's kernels.
	// Variants without one run backward-filter as im2col + gemm.
	BwdFilter [3]string
	// BwdFilterThree, where set, is the implicit backward-filter kernel of the three-share tile
	// (ThreeRows × ThreeCols), picked where it pads the product to fewer outputs (threeBeats).
	BwdFilterThree         string
	Rows, Cols, NarrowCols int
	// Workgroups is how many workgroups split-K (splitsFor) aims to give a product with few
	// outputs and a long k: enough to keep the device's cores or compute units busy.
	Workgroups int
	// AutoSplit: a product with fewer workgroups than a quarter of Workgroups and one long k range
	// (linear layers at small batches) is split as well, not only where the caller asks.
	AutoSplit bool
	// LaneColumns: each lane of the gemm kernels reads its own columns of B at every k step, with
	// no staging, so B wants contiguous columns (SBn2 = 1); where B runs along k instead every lane
	// reads another cache line each step. Linear forward is that case (w, as gemm's B, is stored
	// [Out][In]): on these variants LinearForward computes yᵀ = w·xᵀ instead, x transposed, on the
	// Mid kernel. The shared-memory variants stage B's tiles along its contiguous dimension
	// (FlagBkContig) and leave this false.
	LaneColumns bool
	// Mid, MidCols: a gemm kernel between the narrow and the wide one, MidCols columns per
	// workgroup, for LinearForward's transposed product (columns = the batch); needed where
	// LaneColumns is set.
	Mid     string
	MidCols int
	// ConvHalf, where set, is a conv2d_fwd kernel of Rows/2 rows per workgroup (and the wide
	// kernel's columns) that convImplicit runs for at most Rows/2 output channels per group, where
	// the wide kernel would spend half its work on rows it does not store.
	ConvHalf string
	// ConvThree, where set, is a conv2d_fwd kernel of ThreeRows rows and ThreeCols columns per
	// workgroup, which convImplicit runs where it pads the product to fewer outputs than the wide
	// kernel (threeBeats), as for 24 output channels per group.
	ConvThree            string
	ThreeRows, ThreeCols int
	// Prefer, when set, can turn the automatic choice away from a variant the device runs (say,
	// a GPU-shaped tile on a CPU device), by device properties only: it returns why, or "".
	Prefer func(gpu.Info) string
}

func (v *Variant) kernelsOf(p Product) []string {
	k := v.Kernels[p]
	ks := k[:]
	if p == ProductGemm && v.BwdFilter[0] != "" {
		ks = append(ks, v.BwdFilter[:]...)
	}
	if p == ProductGemm && v.BwdFilterThree != "" {
		ks = append(ks, v.BwdFilterThree)
	}
	if p == ProductGemm && v.Mid != "" {
		ks = append(ks, v.Mid)
	}
	if p == ProductConv && v.ConvHalf != "" {
		ks = append(ks, v.ConvHalf)
	}
	if p == ProductConv && v.ConvThree != "" {
		ks = append(ks, v.ConvThree)
	}
	return ks
}

func (v *Variant) kernels() []string {
	var ks []string
	for _, p := range products {
		ks = append(ks, v.kernelsOf(p)...)
	}
	return ks
}

// The tile geometry every current variant shares (shaders/contract.go).
const (
	tileRows       = shaders.TileRows
	tileCols       = shaders.TileLanes * shaders.TileWideCols
	tileNarrowCols = shaders.TileLanes
	tileMidCols    = shaders.TileLanes * shaders.TileMidCols
)

// tileKernel declares a kernel of the subgroup tile (shaders/tile.glsl): lanes 0..7 of every
// subgroup load rows of A that subgroupBroadcast shares with the whole subgroup, so subgroups
// must have at least TileShareLanes lanes, all of them active (full subgroups).
func tileKernel(name string, push any) string {
	return registerDef(kdef{name: name, push: push, minSubgroup: shaders.TileShareLanes, fullSubgroups: true})
}

// variants lists the product kernels' variants in the order the automatic choice tries them.
var variants = []*Variant{
	{
		Name: "gpu", Doc: "128×128 outputs per workgroup of 256, 8×8 per invocation, k slices double-buffered in 16 KiB of shared memory (GPUs)",
		Kernels: map[Product][2]string{
			ProductGemm: {register("gemm_gpu", gemmPC{}), register("gemm_narrow_gpu", gemmPC{})},
			ProductConv: {register("conv2d_fwd_gpu", convPC{}), register("conv2d_fwd_narrow_gpu", convPC{})},
		},
		Rows: shaders.GpuRows, Cols: shaders.GpuCols, NarrowCols: shaders.GpuNarrowCols,
		Workgroups: gpuWorkgroups, AutoSplit: true, Prefer: preferGPU,
	},
	{
		Name: "gpu-small", Doc: "the gpu variant's tile at 64×64 per workgroup of 64 (8 KiB of shared memory), for GPUs below the gpu variant's needs",
		Kernels: map[Product][2]string{
			ProductGemm: {register("gemm_gpu_small", gemmPC{}), register("gemm_narrow_gpu_small", gemmPC{})},
			ProductConv: {register("conv2d_fwd_gpu_small", convPC{}), register("conv2d_fwd_narrow_gpu_small", convPC{})},
		},
		Rows: shaders.GpuSmallRows, Cols: shaders.GpuSmallCols, NarrowCols: shaders.GpuSmallNarrowCols,
		Workgroups: gpuWorkgroups, AutoSplit: true, Prefer: preferGPU,
	},
	{
		Name: "tile", Doc: "register tile, A's rows shared by subgroupBroadcast (fastest on CPU devices)",
		Kernels: map[Product][2]string{
			ProductGemm: {tileKernel("gemm", gemmPC{}), tileKernel("gemm_narrow", gemmPC{})},
			ProductConv: {tileKernel("conv2d_fwd", convPC{}), tileKernel("conv2d_fwd_narrow", convPC{})},
		},
		BwdFilter: [3]string{tileKernel("conv2d_bwd_filter", convBwdFilterPC{}), tileKernel("conv2d_bwd_filter_narrow", convBwdFilterPC{}),
			tileKernel("conv2d_bwd_filter_mid", convBwdFilterPC{})},
		BwdFilterThree: tileKernel("conv2d_bwd_filter_three", convBwdFilterPC{}),
		Rows:           tileRows, Cols: tileCols, NarrowCols: tileNarrowCols, Workgroups: cpuWorkgroups,
		LaneColumns: true, Mid: tileKernel("gemm_mid", gemmPC{}), MidCols: tileMidCols,
		ConvHalf:  tileKernel("conv2d_fwd_half", convPC{}),
		ConvThree: tileKernel("conv2d_fwd_three", convPC{}), ThreeRows: shaders.TileThreeRows,
		ThreeCols: shaders.TileLanes * shaders.TileThreeCols,
	},
	{
		Name: "portable", Doc: "register tile, A's rows shared through workgroup memory (no subgroup operations: any device)",
		Kernels: map[Product][2]string{
			ProductGemm: {register("gemm_portable", gemmPC{}), register("gemm_narrow_portable", gemmPC{})},
			ProductConv: {register("conv2d_fwd_portable", convPC{}), register("conv2d_fwd_narrow_portable", convPC{})},
		},
		Rows: tileRows, Cols: tileCols, NarrowCols: tileNarrowCols, Workgroups: cpuWorkgroups,
		LaneColumns: true, Mid: register("gemm_mid_portable", gemmPC{}), MidCols: tileMidCols,
	},
}

// Split-K targets: a CPU device has a few cores; a GPU has tens to over a hundred compute units
// (132 SMs on an H100), each of which should get a couple of workgroups.
const (
	cpuWorkgroups = 16
	gpuWorkgroups = 512
)

// preferGPU keeps the automatic choice of the GPU-shaped variants to devices whose type is a GPU
// (discrete, integrated or virtual): on a CPU device (lavapipe, SwiftShader) shared memory goes
// through slow per-lane paths and barriers, and the register tiles win. Forcing one still works.
func preferGPU(info gpu.Info) string {
	switch info.Type {
	case "discrete", "integrated", "virtual":
		return ""
	}
	return fmt.Sprintf("device type %s: the shared-memory tiles are for GPUs (discrete, integrated, virtual)", info.Type)
}

// VariantNames returns the values --kernels takes: auto, then every variant's name.
func VariantNames() []string {
	names := []string{"auto"}
	for _, v := range variants {
		names = append(names, v.Name)
	}
	return names
}

// ProductChoice is the variant chosen for one product, and why.
type ProductChoice struct {
	Product Product
	Variant *Variant
	Why     string   // why this variant: forced, or what it needs that the device has
	Skipped []string // the variants tried first and why each was passed over
}

// Choice is the variant of every product on one device.
type Choice struct {
	Device   string
	Kernels  string // what was asked: "auto" or a variant's name
	Products []ProductChoice
}

// Of returns the variant chosen for p.
func (c Choice) Of(p Product) *Variant {
	for _, pc := range c.Products {
		if pc.Product == p {
			return pc.Variant
		}
	}
	panic(fmt.Sprintf("vk: no variant chosen for %s", p))
}

// Choose picks each product's variant for a device with properties info: with kernels "auto" or
// "", the first variant (in the order of variants) whose kernels the device can run and that
// does not Prefer otherwise; with a variant's name, that variant, or an error naming the device,
// the limit and the kernel when the device cannot run it. By device properties only, never by
// vendor or driver name.
func Choose(info gpu.Info, kernels string) (Choice, error) {
	if kernels == "" {
		kernels = "auto"
	}
	ch := Choice{Device: info.Name, Kernels: kernels}
	var forced *Variant
	if kernels != "auto" {
		for _, v := range variants {
			if v.Name == kernels {
				forced = v
			}
		}
		if forced == nil {
			return ch, fmt.Errorf("vk: --kernels/ALEXNET_KERNELS %q: no such kernel variant (want one of %s)", kernels, strings.Join(VariantNames(), ", "))
		}
	}
	if err := checkCommon(info); err != nil {
		return ch, err
	}
	for _, p := range products {
		pc := ProductChoice{Product: p}
		for _, v := range variants {
			if forced != nil && v != forced {
				continue
			}
			needs, err := v.check(info, p)
			if err != nil {
				if forced != nil {
					return ch, fmt.Errorf("vk: kernel variant %q was forced (--kernels or ALEXNET_KERNELS) but %v; try --kernels auto", v.Name, err)
				}
				pc.Skipped = append(pc.Skipped, fmt.Sprintf("%s: %v", v.Name, err))
				continue
			}
			if forced != nil {
				pc.Variant, pc.Why = v, "forced by --kernels/ALEXNET_KERNELS; needs "+needs
				break
			}
			if v.Prefer != nil {
				if why := v.Prefer(info); why != "" {
					pc.Skipped = append(pc.Skipped, fmt.Sprintf("%s: %s", v.Name, why))
					continue
				}
			}
			pc.Variant, pc.Why = v, "the first variant this device runs; needs "+needs
			break
		}
		if pc.Variant == nil {
			return ch, fmt.Errorf("vk: no variant of the %s kernels runs on device %q: %s", p, info.Name, strings.Join(pc.Skipped, "; "))
		}
		ch.Products = append(ch.Products, pc)
	}
	return ch, nil
}

// checkCommon returns an error naming the first kernel outside the variants (relu, pooling, ...:
// every device must run them all) that a device with properties info cannot run.
func checkCommon(info gpu.Info) error {
	names := commonKernels()
	for _, n := range names {
		needs, err := registry[n].needs()
		if err != nil {
			return err
		}
		if err := info.Check(needs); err != nil {
			return fmt.Errorf("vk: kernel %q cannot run on %v", n, err)
		}
	}
	return nil
}

// check returns a summary of what v's kernels for p need, or an error naming the first kernel
// the device cannot run and why.
func (v *Variant) check(info gpu.Info, p Product) (string, error) {
	var sum gpu.Needs
	for _, name := range v.kernelsOf(p) {
		n, err := registry[name].needs()
		if err != nil {
			return "", err // a kernel that disagrees with its shader: a build error of this repository
		}
		if err := info.Check(n); err != nil {
			return "", fmt.Errorf("kernel %q cannot run on %v", name, err)
		}
		sum.SharedBytes = max(sum.SharedBytes, n.SharedBytes)
		sum.SubgroupOps |= n.SubgroupOps
		sum.MinSubgroup = max(sum.MinSubgroup, n.MinSubgroup)
		sum.FullSubgroups = sum.FullSubgroups || n.FullSubgroups
		if n.Invocations() > sum.Invocations() { // the largest workgroup of the variant's kernels
			sum.LocalSize = n.LocalSize
		}
	}
	return describeNeeds(sum, info), nil
}

// describeNeeds says what a variant needs and what the device offers against it.
func describeNeeds(n gpu.Needs, info gpu.Info) string {
	parts := []string{fmt.Sprintf("workgroups of %d", n.LocalSize[0]*n.LocalSize[1]*n.LocalSize[2])}
	if n.SharedBytes > 0 {
		parts = append(parts, fmt.Sprintf("%d B shared memory (device: %d)", n.SharedBytes, info.MaxSharedMemory))
	}
	if n.SubgroupOps == 0 {
		parts = append(parts, "no subgroup operations")
	} else {
		parts = append(parts, "subgroup operations "+gpu.SubgroupOpNames(n.SubgroupOps))
	}
	if n.MinSubgroup > 0 {
		parts = append(parts, fmt.Sprintf("subgroups of at least %d (device: %d)", n.MinSubgroup, info.SubgroupSize))
	}
	if n.FullSubgroups {
		parts = append(parts, "full subgroups (device: computeFullSubgroups)")
	}
	return strings.Join(parts, ", ")
}
