package train

import "fmt"

// paperLRN is §3.3's normalisation: k=2, n=5, α=1e-4, β=0.75, α not divided by n.
var paperLRN = LRNParams{Size: 5, Alpha: 1e-4, Beta: 0.75, K: 2}

func conv(name string, out, k, stride, pad, groups int, biasInit float64) Layer {
	return Layer{Kind: Conv, Name: name, Out: out, Kernel: k, Stride: stride, Pad: pad, Groups: groups,
		WeightStd: 0.01, BiasInit: biasInit, WName: name + ".weight", BName: name + ".bias"}
}

func fc(name string, out int, biasInit float64) Layer {
	return Layer{Kind: Linear, Name: name, Out: out, WeightStd: 0.01, BiasInit: biasInit, WName: name + ".weight", BName: name + ".bias"}
}

func relu(n string) Layer             { return Layer{Kind: ReLU, Name: "relu" + n} }
func lrn(n string, p LRNParams) Layer { return Layer{Kind: LRN, Name: "norm" + n, LRN: p} }

// towerLRN is the paper's LRN within each of the two towers' halves of the channels.
func towerLRN(n string) Layer {
	l := lrn(n, paperLRN)
	l.Groups = 2
	return l
}

func pool(n string) Layer            { return Layer{Kind: MaxPool, Name: "pool" + n, Size: 3, Stride: 2} }
func drop(n string, p float64) Layer { return Layer{Kind: Dropout, Name: "drop" + n, P: p} }

// Paper is the network of Krizhevsky, Sutskever and Hinton (2012) exactly: 227×227 input, 2 groups
// on conv2/4/5 (the two GPUs), LRN after conv1 and conv2 within each GPU's half of the maps (as the
// paper's own cuda-convnet layer file: rnorm1a/rnorm1b over 48 channels each), overlapping pools,
// dropout on fc6 and fc7's outputs (as Caffe), N(0, 0.01) weights and biases 1 in conv2/4/5 and
// fc6/7 (§5). The towers exchange data only at conv3's input and fc6–fc8, so --split 2 places
// each on its own device with the paper's communication.
func Paper(classes, channels, _ int) Arch {
	return Arch{Name: "alexnet", In: Shape{channels, 227, 227}, Classes: classes,
		Notes: "the paper's network (§3, §5); 2 groups on conv2/4/5 and the LRNs; LRN α not divided by n",
		Layers: []Layer{
			conv("conv1", 96, 11, 4, 0, 1, 0), relu("1"), towerLRN("1"), pool("1"),
			conv("conv2", 256, 5, 1, 2, 2, 1), relu("2"), towerLRN("2"), pool("2"),
			conv("conv3", 384, 3, 1, 1, 1, 0), relu("3"),
			conv("conv4", 384, 3, 1, 1, 2, 1), relu("4"),
			conv("conv5", 256, 3, 1, 1, 2, 1), relu("5"), pool("5"),
			fc("fc6", 4096, 1), relu("6"), drop("6", 0.5),
			fc("fc7", 4096, 1), relu("7"), drop("7", 0.5),
			fc("fc8", classes, 0),
		}}
}

// TorchVision is torchvision's AlexNet: one tower, no LRN, no groups, adaptive average pool to 6×6,
// dropout on the inputs of fc6 and fc7, and torchvision's parameter names (features.N, classifier.N).
func TorchVision(classes, channels, _ int) Arch {
	a := Arch{Name: "alexnet-tv", In: Shape{channels, 224, 224}, Classes: classes,
		Notes: "torchvision's single-tower layout and parameter names, for imported weights",
		Layers: []Layer{
			conv("conv1", 64, 11, 4, 2, 1, 0), relu("1"), pool("1"),
			conv("conv2", 192, 5, 1, 2, 1, 0), relu("2"), pool("2"),
			conv("conv3", 384, 3, 1, 1, 1, 0), relu("3"),
			conv("conv4", 256, 3, 1, 1, 1, 0), relu("4"),
			conv("conv5", 256, 3, 1, 1, 1, 0), relu("5"), pool("5"),
			{Kind: AvgPool, Name: "avgpool", OH: 6, OW: 6},
			drop("6", 0.5), fc("fc6", 4096, 0), relu("6"),
			drop("7", 0.5), fc("fc7", 4096, 0), relu("7"),
			fc("fc8", classes, 0),
		}}
	// torchvision indices: features.{0,3,6,8,10}, classifier.{1,4,6}.
	tv := map[string]string{"conv1": "features.0", "conv2": "features.3", "conv3": "features.6",
		"conv4": "features.8", "conv5": "features.10", "fc6": "classifier.1", "fc7": "classifier.4", "fc8": "classifier.6"}
	for i, l := range a.Layers {
		if p, ok := tv[l.Name]; ok {
			a.Layers[i].WName, a.Layers[i].BName = p+".weight", p+".bias"
			a.Layers[i].WeightStd = -1 // PyTorch's default init, as torchvision's AlexNet uses
		}
	}
	return a
}

// Small is the paper's structure (5 conv + 3 fully connected, ReLU, LRN after conv1/conv2,
// overlapping 3/2 pools, 2 groups on conv2/4/5, dropout on fc6/fc7) sized for 28–32 px images
// (Fashion-MNIST, CIFAR-10): widths 16-48-64-64-48 keep the paper's proportions at 1/6 of conv1's
// width, about 8 MFLOPs per 28 px image, so two epochs of Fashion-MNIST fit minutes on lavapipe. It uses He-normal weights and zero biases: at this depth and width the
// paper's N(0, 0.01) starts too small to learn in a few epochs.
func Small(classes, channels, size int) Arch {
	if size == 0 {
		size = 28
	}
	a := Arch{Name: "alexnet-small", In: Shape{channels, size, size}, Classes: classes,
		Notes: fmt.Sprintf("AlexNet's structure for %d px inputs; He-normal init; LRN as the paper", size),
		Layers: []Layer{
			conv("conv1", 16, 5, 1, 2, 1, 0), relu("1"), lrn("1", paperLRN), pool("1"),
			conv("conv2", 48, 5, 1, 2, 2, 0), relu("2"), lrn("2", paperLRN), pool("2"),
			conv("conv3", 64, 3, 1, 1, 1, 0), relu("3"),
			conv("conv4", 64, 3, 1, 1, 2, 0), relu("4"),
			conv("conv5", 48, 3, 1, 1, 2, 0), relu("5"), pool("5"),
			fc("fc6", 256, 0), relu("6"), drop("6", 0.5),
			fc("fc7", 256, 0), relu("7"), drop("7", 0.5),
			fc("fc8", classes, 0),
		}}
	for i := range a.Layers {
		a.Layers[i].WeightStd = 0
	}
	// The classifier starts with PyTorch's default scale, so the first losses are near log(classes)
	// while its gradient still reaches the layers below (the paper's 0.01 starves them at this size).
	a.Layers[len(a.Layers)-1].WeightStd = -1
	return a
}
