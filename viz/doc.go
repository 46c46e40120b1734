// Package viz turns tensors into pictures: conv1 filter mosaics, activation grids, loss and
// accuracy curves, the probe panel and a dashboard that lays them out for any window size.
//
// It is pure Go (no cgo, no Vulkan) and returns *image.RGBA so that cmd/viewer can upload the
// pixels as a texture and cmd/train can write them as PNGs with SavePNG. The viewer draws a
// Dashboard with RenderInto whenever the data or the window size changes (about 11 ms at
// 1280×800 with the paper's conv1 on the 2-core dev machine: BenchmarkDashboard1280x800);
// Compose/ComposeInto lay out any set of already rendered panels.
//
// Golden images live in testdata/golden; after an intended change, rewrite them with
// go test ./viz -update and look at them before committing.
//
// All pixel arithmetic is integer or uses explicit float64 conversions (which forbid fused
// multiply-adds), so the same input gives the same pixels on every architecture; the golden-image
// tests in viz/testdata/golden rely on that. Non-finite values (NaN, ±Inf) are never drawn as
// black: they are painted magenta (255, 0, 255) so that a diverging run is visible at a glance.
package viz
