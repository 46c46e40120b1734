# gpu_suites.sh (sourced, not run): the GPU suites, the same on every driver of the test matrix
# (scripts/test.sh) and on a real GPU (scripts/gpu_check.sh): every package listed runs whole (the
# gpu package, every kernel's full shape table, classify), and train runs its GPU-versus-CPU,
# micro-batch and TinyTV-against-PyTorch tests.
gpu_pkgs=(./gpu ./layers/vk ./cmd/classify)
train_gpu_tests='^(TestGPUMatchesCPU|TestMicroBatchesEquivalent|TestTinyTVMatchesPyTorch)$'
