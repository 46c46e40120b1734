#version 460
// gemm: C[z] = op(Σ_k A[z][m,k]·B[z][k,n]) for the conv2d and linear passes, fully strided so one
// kernel serves every layout (transposes, groups, images spread over columns or over k).
//   k = (k1, k2), k1 < K1, k2 < K2:  A at z·saz + m·sam + k1·sak1 + k2·sak2
//                                    B at z·sbz + k1·sbk1 + k2·sbk2 + n1·sbn1 + n2·sbn2
//   n = n1·ND + n2 (columns may span images):  C at z·scz + m·scm + n1·scn1 + n2·scn2
//   v = Σ_k A·B (+ bias[z·sbiasz + m] if flags&6 == 2, + bias[z·sbiasz + n] if flags&6 == 4)
//       (+ C if flags&1: accumulate) then max(v, 0) if flags&8; C = v.
// Each workgroup computes TM rows × 64·TN columns; lane l owns columns l + 64·t. Lanes 0..7 of each
// subgroup load 8 rows of A and subgroupBroadcast shares them (needs subgroups of at least 8).
// Dispatch: (ceil(M/16), ceil(N/(64·TN)), Z·splits): x, which lavapipe walks fastest, is the row tile,
// so the row tiles sharing a column block's B panel run back to back; TN = 8 here (gemm_narrow: 1, for N ≤ 64). CPU reference: gemmRef in layers/vk/gemm.go.
#define TN 8
#include "gemm.glsl"
