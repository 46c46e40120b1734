// contract.glsl: GENERATED from contract.go by `go generate ./shaders` (or `make shaders`);
// do not edit. The constants Go code and the kernels agree on, defined once in contract.go.
#ifndef CONTRACT_GLSL
#define CONTRACT_GLSL

// Workgroup shapes. The Go side reads a kernel's workgroup size from its SPIR-V (gpu.Module), so
// a dispatch's grid always matches the kernel it launches; these are the values kernels declare.
// LocalSize is the workgroup width of the one-dimensional kernels (elementwise, per row, per
// column, reductions): a power of two, for their shared-memory reduction trees.
#define LOCAL_SIZE 64
// ElemPerLane is how many elements one invocation of an elementwise kernel (relu, dropout,
// sgd) handles, LocalSize apart so that neighbouring invocations touch neighbouring words.
#define ELEM_PER_LANE 32
// ReducePerLane is how many outputs one invocation of gemm_reduce sums.
#define REDUCE_PER_LANE 4
// TransposeRun is how many consecutive source columns one invocation of transpose copies:
// enough to use the whole cache line (64 bytes) its gathered read brings in.
#define TRANSPOSE_RUN 16
// TileLanes is the workgroup width of the product kernels (gemm, conv2d_fwd and variants).
#define TILE_LANES 64
// TileRows is the rows of C one workgroup of a product kernel computes.
#define TILE_ROWS 16
// TileWideCols is the columns of C per invocation of the wide product kernels (the narrow
// ones, for products with at most TileLanes columns, have 1).
#define TILE_WIDE_COLS 8
// TileMidCols is the columns of C per invocation of the middle product kernels (gemm_mid,
// gemm_mid_portable: TileLanes·TileMidCols columns per workgroup), which linear forward's
// transposed product (columns = the batch) runs on.
#define TILE_MID_COLS 2
// TileThreeRows and TileThreeCols are the rows of C per workgroup (three shares of
// TileShareLanes) and the columns per invocation of the three-share kernels (conv2d_fwd_three,
// conv2d_bwd_filter_three), for products whose rows pad to fewer in tiles of 24 than of 16;
// 24 × 4 accumulators per lane stay below where a CPU driver spills.
#define TILE_THREE_ROWS 24
#define TILE_THREE_COLS 4
// TileShareLanes is how many lanes of a subgroup load rows of A that the subgroup tile
// (tile.glsl) shares by subgroupBroadcast: its kernels need subgroups at least this large.
#define TILE_SHARE_LANES 8
// PortableSteps is how many k steps of A's TileRows rows the portable product kernels
// (tile_portable.glsl) stage in shared memory between two barriers.
#define PORTABLE_STEPS 16

// The GPU-shaped product kernels (the "gpu" and "gpu-small" variants, tile_gpu.glsl): a workgroup
// computes Rows × Cols outputs, each invocation 8 × 8 of them in registers, over k slices of
// GpuSlice steps staged (double-buffered) through shared memory; narrow kernels, for products with
// at most NarrowCols columns, keep the rows and take NarrowCols columns.
// GpuSlice is the k steps of one shared-memory slice (both operands' tiles hold this many).
#define GPU_SLICE 8
// GpuRows, GpuCols, GpuNarrowCols: the "gpu" variant's tiles (256 and 64 invocations).
#define GPU_ROWS 128
#define GPU_COLS 128
#define GPU_NARROW_COLS 32
// GpuSmallRows, GpuSmallCols, GpuSmallNarrowCols: the "gpu-small" variant's tiles (64 and 32
// invocations), for devices below the "gpu" variant's workgroup or shared-memory needs.
#define GPU_SMALL_ROWS 64
#define GPU_SMALL_COLS 64
#define GPU_SMALL_NARROW_COLS 32

// Epilogue flags of the product kernels (the flags member of gemm's and conv2d_fwd's push constants).
#define FLAG_ACCUMULATE 1u // add C's previous value
#define FLAG_ROW_BIAS 2u // add bias[z·sbiasz + m]
#define FLAG_COL_BIAS 4u // add bias[z·sbiasz + n]
#define FLAG_BIAS 6u // the bias mode's bits
#define FLAG_RELU 8u // then max(v, 0)
// Layout hints of gemm's operands, read by the GPU-shaped kernels only, which load a tile
// along the operand's contiguous dimension so that neighbouring invocations read neighbouring
// words: A's rows (m) are closer in memory than its steps (k); B's steps (k) are closer than
// its columns (n).
#define FLAG_AM_CONTIG 16u
#define FLAG_BK_CONTIG 32u

// Flags of the backward kernels of a layer that may follow a ReLU (maxpool_bwd, lrn_bwd).
// FlagReluMask folds the ReLU's backward into the layer's: the gradient is written only where
// the ReLU's output (the layer's input) is positive, and 0 elsewhere.
#define FLAG_RELU_MASK 1u

#endif
