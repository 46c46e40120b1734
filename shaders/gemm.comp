#version 460
// gemm: C[z] = op(Σ_k A[z][m,k]·B[z][k,n]) for the conv2d and linear passes, fully strided so one
// kernel serves every layout (transposes, groups, images spread over columns or over k).
//   k = (k1, k2), k1 < K1, k2 < K2:  A at z·saz + m·sam + k1·sak1 + k2·sak2
//                                    B at z·sbz + k1·sbk1 + k2·sbk2 + n1·sbn1 + n2·sbn2
//   n = n1·ND + n2 (columns may span images):  C at z·scz + m·scm + n1·scn1 + n2·scn2
//   v = Σ_k A·B (+ bias[z·sbiasz + m] if flags has FLAG_ROW_BIAS, + bias[z·sbiasz + n] if
//       FLAG_COL_BIAS) (+ C if FLAG_ACCUMULATE) then max(v, 0) if FLAG_RELU; C = v.
// Each workgroup computes TILE_ROWS rows × TILE_LANES·TN columns; lane l owns columns
// l + TILE_LANES·t. Lanes 0..7 of each subgroup load 8 rows of A and subgroupBroadcast shares
// them (the "tile" variant: needs full subgroups of at least 8; gemm_portable needs neither).
// Dispatch: (ceil(M/TILE_ROWS), ceil(N/(TILE_LANES·TN)), Z·splits): x, which lavapipe walks
// fastest, is the row tile, so the row tiles sharing a column block's B panel run back to back;
// TN = TILE_WIDE_COLS here (gemm_narrow: 1, for N ≤ TILE_LANES). CPU reference: gemmRef in
// layers/vk/gemm.go.
#include "contract.glsl"
#define TN TILE_WIDE_COLS
#include "gemm.glsl"
