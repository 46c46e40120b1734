// conv2d_wino6.glsl: the matrices of the Winograd forms on 6×6 tiles (α = 6, interpolation points
// 0, 1, −1, 2, −2, ∞), shared by conv2d_wino6_*.glsl, which apply them in loops over these constant
// arrays (the compilers unroll them and fold the zeros). Both forms share
//   Bᵀ = [[4,0,−5,0,1,0], [0,−4,−4,1,1,0], [0,4,−4,−1,1,0], [0,−2,−1,2,1,0], [0,2,−1,−2,1,0], [0,4,0,−5,0,1]]
// F(2×2,5×5) (the default; conv2d_wino5_*.comp): WM = 2 outputs per tile side, WR = 5,
//   G  = [[¼,0,0,0,0], [−⅙,−⅙,−⅙,−⅙,−⅙], [−⅙,⅙,−⅙,⅙,−⅙], [1/24,1/12,⅙,⅓,⅔], [1/24,−1/12,⅙,−⅓,⅔], [0,0,0,0,1]]
//   Aᵀ = [[1,1,1,1,1,0], [0,1,−1,2,−2,1]]
// F(4×4,3×3) (WINO43 defined; conv2d_wino43_*.comp): WM = 4, WR = 3,
//   G  = [[¼,0,0], [−⅙,−⅙,−⅙], [−⅙,⅙,−⅙], [1/24,1/12,⅙], [1/24,−1/12,⅙], [0,0,1]]
//   Aᵀ = [[1,1,1,1,1,0], [0,1,−1,2,−2,0], [0,1,1,4,4,0], [0,1,−1,8,−8,1]]
// so that the WM×WM output tile of a WR×WR correlation of the 6×6 input tile d is
// Aᵀ·[(G·g·Gᵀ) ⊙ (Bᵀ·d·B)]·A. CPU references: layers/vk/conv2d_wino_ref.go (wino5, wino43).
#define WA 6u // α: the transformed tile's side
const float BT[6][6] = float[6][6](
	float[6](4.0, 0.0, -5.0, 0.0, 1.0, 0.0), float[6](0.0, -4.0, -4.0, 1.0, 1.0, 0.0),
	float[6](0.0, 4.0, -4.0, -1.0, 1.0, 0.0), float[6](0.0, -2.0, -1.0, 2.0, 1.0, 0.0),
	float[6](0.0, 2.0, -1.0, -2.0, 1.0, 0.0), float[6](0.0, 4.0, 0.0, -5.0, 0.0, 1.0));
#ifdef WINO43
#define WM 4u // the output tile's side
#define WR 3u // the filter's side
const float WG[6][3] = float[6][3](
	float[3](0.25, 0.0, 0.0),
	float[3](-1.0 / 6.0, -1.0 / 6.0, -1.0 / 6.0),
	float[3](-1.0 / 6.0, 1.0 / 6.0, -1.0 / 6.0),
	float[3](1.0 / 24.0, 1.0 / 12.0, 1.0 / 6.0),
	float[3](1.0 / 24.0, -1.0 / 12.0, 1.0 / 6.0),
	float[3](0.0, 0.0, 1.0));
const float AT[4][6] = float[4][6](float[6](1.0, 1.0, 1.0, 1.0, 1.0, 0.0), float[6](0.0, 1.0, -1.0, 2.0, -2.0, 0.0),
	float[6](0.0, 1.0, 1.0, 4.0, 4.0, 0.0), float[6](0.0, 1.0, -1.0, 8.0, -8.0, 1.0));
#else
#define WM 2u
#define WR 5u
const float WG[6][5] = float[6][5](
	float[5](0.25, 0.0, 0.0, 0.0, 0.0),
	float[5](-1.0 / 6.0, -1.0 / 6.0, -1.0 / 6.0, -1.0 / 6.0, -1.0 / 6.0),
	float[5](-1.0 / 6.0, 1.0 / 6.0, -1.0 / 6.0, 1.0 / 6.0, -1.0 / 6.0),
	float[5](1.0 / 24.0, 1.0 / 12.0, 1.0 / 6.0, 1.0 / 3.0, 2.0 / 3.0),
	float[5](1.0 / 24.0, -1.0 / 12.0, 1.0 / 6.0, -1.0 / 3.0, 2.0 / 3.0),
	float[5](0.0, 0.0, 0.0, 0.0, 1.0));
const float AT[2][6] = float[2][6](float[6](1.0, 1.0, 1.0, 1.0, 1.0, 0.0), float[6](0.0, 1.0, -1.0, 2.0, -2.0, 1.0));
#endif
