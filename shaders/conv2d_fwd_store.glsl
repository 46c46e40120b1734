// conv2d_fwd_store.glsl: the epilogue of every conv2d_fwd kernel variant, included at the end of
// main() with acc[TILE_ACC_ROWS][TN] (TILE_ROWS where the tile leaves it undefined), row0, col0,
// lane and z defined: y = op(acc) for the output channels and positions in range (lane l owns
// columns col0 + l + TILE_LANES·t).
#ifndef TILE_ACC_ROWS
#define TILE_ACC_ROWS TILE_ROWS
#endif
	bool bias = (pc.flags & FLAG_ROW_BIAS) != 0u, relu = (pc.flags & FLAG_RELU) != 0u;
	[[unroll]] for (uint t = 0; t < TN; t++) {
		uint j = col0 + lane + t * TILE_LANES;
		if (j >= pc.NCOL) continue;
		uint n = j / pc.OHW, p = j - n * pc.OHW;
		uint yn = n * pc.syn + z * pc.syz + p;
		[[unroll]] for (uint i = 0; i < TILE_ACC_ROWS; i++) {
			uint m = row0 + i;
			if (m >= pc.KG) continue;
			float v = acc[i][t];
			if (bias) v += pc.bias.v[z * pc.KG + m];
			if (relu) v = max(v, 0.0);
			pc.y.v[yn + m * pc.OHW] = v;
		}
	}
