package train

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/alexnet-vk/alexnet/weights"
)

// TVWidths are the widths of a torchvision-layout AlexNet: the output channels of its five
// convolutions and the features of its two hidden fully connected layers.
type TVWidths struct {
	Conv [5]int
	FC   [2]int
}

// TVStandard are torchvision's own widths, those of alexnet-tv.
var TVStandard = TVWidths{Conv: [5]int{64, 192, 384, 256, 256}, FC: [2]int{4096, 4096}}

// TorchVisionWidths is torchvision's AlexNet (layer sequence, parameter names, initialisation) with
// the widths w, classes outputs, channels inputs and a size×size input (0 means 224); with
// TVStandard and 224 it is TorchVision itself.
func TorchVisionWidths(w TVWidths, classes, channels, size int) Arch {
	a := TorchVision(classes, channels, 0)
	if size == 0 {
		size = a.In.H
	}
	a.In.H, a.In.W = size, size
	for i, l := range a.Layers {
		switch {
		case l.Kind == Conv && strings.HasPrefix(l.Name, "conv"):
			k, _ := strconv.Atoi(strings.TrimPrefix(l.Name, "conv"))
			a.Layers[i].Out = w.Conv[k-1]
		case l.Name == "fc6":
			a.Layers[i].Out = w.FC[0]
		case l.Name == "fc7":
			a.Layers[i].Out = w.FC[1]
		}
	}
	if w != TVStandard || size != 224 {
		c := w.Conv
		a.Name = fmt.Sprintf("alexnet-tv[conv %d,%d,%d,%d,%d; fc %d,%d; %d px]", c[0], c[1], c[2], c[3], c[4], w.FC[0], w.FC[1], size)
		a.Notes = "torchvision's layout and parameter names with other widths"
	}
	return a
}

// ExportWeights writes n's parameters alone (no momenta, no training state) to a safetensors file
// under the arch's parameter names, metadata format=pt: for alexnet-tv exactly torchvision's 16
// tensors, so PyTorch loads it with model.load_state_dict(safetensors.torch.load_file(path)).
func ExportWeights(path string, n *Net) error {
	w, _, err := n.Weights()
	if err != nil {
		return err
	}
	ts := make([]weights.Tensor, len(n.Params))
	for i, p := range n.Params {
		ts[i] = weights.Tensor{Name: p.Name, Shape: p.Shape, Data: w[i]}
	}
	meta := map[string]string{"format": "pt", "arch": n.Arch.Name, "classes": strconv.Itoa(n.Arch.Classes)}
	if err := weights.WriteSafetensors(path, ts, meta); err != nil {
		return fmt.Errorf("exporting weights to %s: %w", path, err)
	}
	return nil
}
