// gemm_store.glsl: the epilogue of every gemm kernel variant, included at the end of main() with
// acc[TILE_ROWS][TN], row0, col0, lane, split and z defined: C = op(acc) for the rows and columns
// in range (lane l owns columns col0 + l + TILE_LANES·t).
	uint biasMode = pc.splits > 1u ? 0u : pc.flags & FLAG_BIAS;
	bool accum = pc.splits == 1u && (pc.flags & FLAG_ACCUMULATE) != 0u;
	bool relu = pc.splits == 1u && (pc.flags & FLAG_RELU) != 0u;
	[[unroll]] for (uint t = 0; t < TN; t++) {
		uint n = col0 + lane + t * TILE_LANES;
		if (n >= pc.N) continue;
		uint n1 = n / pc.ND, n2 = n - n1 * pc.ND;
		uint cn = split * pc.scs + z * pc.scz + n1 * pc.scn1 + n2 * pc.scn2;
		[[unroll]] for (uint i = 0; i < TILE_ROWS; i++) {
			uint m = row0 + i;
			if (m >= pc.M) continue;
			float v = acc[i][t];
			if (biasMode == FLAG_ROW_BIAS) v += pc.bias.v[z * pc.sbiasz + m];
			if (biasMode == FLAG_COL_BIAS) v += pc.bias.v[z * pc.sbiasz + n];
			uint ci = cn + m * pc.scm;
			if (accum) v += pc.c.v[ci];
			if (relu) v = max(v, 0.0);
			pc.c.v[ci] = v;
		}
	}
