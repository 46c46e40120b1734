// conv2d_wino5.glsl: the matrices of Winograd F(2×2,5×5) (interpolation points 0, 1, −1, 2, −2, ∞;
// α = 6), shared by conv2d_wino5_*.comp, which apply them in loops over these constant arrays
// (the compilers unroll them and fold the zeros):
//   Bᵀ = [[4,0,−5,0,1,0], [0,−4,−4,1,1,0], [0,4,−4,−1,1,0], [0,−2,−1,2,1,0], [0,2,−1,−2,1,0], [0,4,0,−5,0,1]]
//   G  = [[¼,0,0,0,0], [−⅙,−⅙,−⅙,−⅙,−⅙], [−⅙,⅙,−⅙,⅙,−⅙], [1/24,1/12,⅙,⅓,⅔], [1/24,−1/12,⅙,−⅓,⅔], [0,0,0,0,1]]
//   Aᵀ = [[1,1,1,1,1,0], [0,1,−1,2,−2,1]]
// so that the 2×2 output tile of a 5×5 correlation of the 6×6 input tile d is Aᵀ·[(G·g·Gᵀ) ⊙ (Bᵀ·d·B)]·A.
// CPU references: layers/vk/conv2d_wino_ref.go (wino5).
#define WA 6u // α: the transformed tile's side
#define WR 5u // the filter's side
const float BT[6][6] = float[6][6](
	float[6](4.0, 0.0, -5.0, 0.0, 1.0, 0.0), float[6](0.0, -4.0, -4.0, 1.0, 1.0, 0.0),
	float[6](0.0, 4.0, -4.0, -1.0, 1.0, 0.0), float[6](0.0, -2.0, -1.0, 2.0, 1.0, 0.0),
	float[6](0.0, 2.0, -1.0, -2.0, 1.0, 0.0), float[6](0.0, 4.0, 0.0, -5.0, 0.0, 1.0));
const float WG[6][5] = float[6][5](
	float[5](0.25, 0.0, 0.0, 0.0, 0.0),
	float[5](-1.0 / 6.0, -1.0 / 6.0, -1.0 / 6.0, -1.0 / 6.0, -1.0 / 6.0),
	float[5](-1.0 / 6.0, 1.0 / 6.0, -1.0 / 6.0, 1.0 / 6.0, -1.0 / 6.0),
	float[5](1.0 / 24.0, 1.0 / 12.0, 1.0 / 6.0, 1.0 / 3.0, 2.0 / 3.0),
	float[5](1.0 / 24.0, -1.0 / 12.0, 1.0 / 6.0, -1.0 / 3.0, 2.0 / 3.0),
	float[5](0.0, 0.0, 0.0, 0.0, 1.0));
const float AT[2][6] = float[2][6](float[6](1.0, 1.0, 1.0, 1.0, 1.0, 0.0), float[6](0.0, 1.0, -1.0, 2.0, -2.0, 1.0));
