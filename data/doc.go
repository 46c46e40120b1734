// Package data loads image classification datasets for training and evaluation, with the AlexNet
// paper's preprocessing and augmentation (§2, §4.1), in pure Go.
//
// # Datasets
//
// Open detects the layout of a path (or takes OpenOptions.Format):
//
//   - ImageFolder: root/<class>/*.{jpg,jpeg,png}, or root/train/<class>/… with root/val/<class>/…
//     (also validation/ or test/). Classes are the sorted folder names. Each image is rescaled so its
//     shorter side is ImageSize (256) and centre-cropped to ImageSize×ImageSize when it is read.
//   - IDX: MNIST / Fashion-MNIST train-images-idx3-ubyte[.gz] and t10k-… (folder or images file).
//     Open("") reads Fashion-MNIST from DefaultPath (Debian's dataset-fashion-mnist).
//   - CIFAR-10 binary: data_batch_*.bin (train) and test_batch.bin (test).
//   - Shards: the output of cmd/prep (see Pack), 8-bit RGB images already at 256×256 with a header,
//     a manifest and checksums, so ImageNet-scale training does not wait on JPEG decoding.
//
// A Dataset has Classes, the native sample shape (Channels, Height, Width) and Train and Test splits;
// a Split gives Len, Label(i) and Image(i, dst) as HWC uint8.
//
// # Loader
//
// NewLoader(split, LoaderConfig) assembles batches of float32 NCHW crops on worker goroutines ahead of
// the consumer, with at most Prefetch+2 batches in memory:
//
//	ds, err := data.Open("", data.OpenOptions{})      // Fashion-MNIST
//	l, err := data.NewLoader(ds.Train, data.LoaderConfig{
//		BatchSize: 128, Channels: 1, Crop: 28, Pad: 2, Train: true, Flip: true,
//		Norm: data.NormChannel, Seed: 1})
//	defer l.Close()
//	for {
//		b, err := l.Next() // b.X: b.N×1×28×28, b.Labels: b.N; valid until the next Next
//		...
//	}
//
// Per sample, in order: read the native image; Resize (bilinear) if asked; take the crop of side Crop
// at a random position of the image padded by Pad (training) or the centre / ten crops (evaluation);
// mirror it with probability ½ (Flip); add the PCA colour noise 255·Σ_i α_i λ_i p_i with
// α_i ~ N(0, ColorNoise) drawn anew per image and use, λ_i, p_i the eigen-decomposition of the
// training set's pixel covariance on [0,1] values (ColorNoise 0.1 is the paper's); convert grey↔RGB
// to Channels (luma 0.299R+0.587G+0.114B); normalise by Norm. Pixels from Pad come out as 0.
//
// Normalisation (Norm): NormMeanImage subtracts the training set's per-pixel mean image in raw
// 0..255 units (the paper); NormImageNet is torchvision's (x/255−mean)/std for imported weights;
// NormChannel uses the training set's per-channel mean and std; NormNone is x/255. The statistics
// (Stats: mean image, channel moments, covariance and its eigenvectors) are computed once from up to
// StatsSamples training images and cached in a small file in the user's cache folder
// ($XDG_CACHE_HOME/alexnet, else ~/.cache/alexnet, or OpenOptions.CacheDir), keyed by the dataset's
// absolute path and its files' names, sizes and modification times. Nothing is written into a
// dataset folder.
//
// # Determinism
//
// The sample order of an epoch and every random draw for a sample are functions of (Seed, epoch,
// sample index), so the same seed gives the same batches whatever Workers is, and a loader started
// at (StartEpoch, StartBatch) yields exactly the batches an uninterrupted run would from there.
//
// # Bad input
//
// Missing paths, empty folders and folders without class subfolders are errors that name the path
// and the accepted layouts. Non-image, empty, corrupt or truncated image files are skipped, counted
// and listed (the first few) in one warning: at Open for files that are not .jpg/.jpeg/.png or are
// empty, per epoch in the loader for files that fail to decode (each replaced by the next readable
// sample, so batches stay full and deterministic). IDX, CIFAR-10 and shard files with a wrong magic,
// size or checksum are errors naming the file.
//
// Every input is bounded. Only regular files are read: a FIFO, a device (or a link to one) or a
// socket is refused by type before it is opened — skipped and listed inside an ImageFolder, an
// error naming the file elsewhere. An IDX file may declare at most 768 MiB (refused from its
// header, before any decompression), a CIFAR-10 split at most 768 MiB. Image decoding shares one
// budget of 256 MiB per process: each decode reserves what its header says the decoder will
// allocate and waits for it, and an image needing more than the whole budget is refused. Class
// folders that hold no images, or that are symbolic links (followed), are named in a warning.
package data
