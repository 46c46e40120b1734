package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/alexnet-vk/alexnet/assets"
	"github.com/alexnet-vk/alexnet/internal/regfile"
	"github.com/alexnet-vk/alexnet/train"
	"github.com/alexnet-vk/alexnet/weights"
)

// model is everything classify decides before touching the device: the weights, the architecture
// they fit, the class names and the preprocessing.
type model struct {
	ck     *train.Checkpoint
	arch   train.Arch
	labels []string
	prep   *prep
}

// prepare loads the weights, picks the architecture and checks every tensor against it (names and
// shapes), then chooses the class names and the preprocessing.
func prepare(o options, stderr io.Writer) (*model, error) {
	ck, err := train.LoadCheckpoint(o.weights)
	if err != nil {
		return nil, fmt.Errorf("--weights: %w", err) // the error names the file
	}
	a, err := pickArch(ck, o.arch, o.size)
	if err != nil {
		return nil, err
	}
	m := &model{ck: ck, arch: a}
	if m.labels, err = classNames(ck, o.labels, a.Classes); err != nil {
		return nil, err
	}
	m.prep = prepFor(a, ck.State, stderr)
	m.prep.tenCrop = o.tenCrop
	return m, nil
}

// pickArch returns the architecture named by --arch, else the checkpoint's, else alexnet-tv, with the
// classes and channels the checkpoint records (or its first and last layers' shapes show), and
// checks that the file's parameters are exactly that architecture's. A checkpoint of that
// architecture which recorded its layers loads as recorded.
func pickArch(ck *train.Checkpoint, name string, size int) (train.Arch, error) {
	st := ck.State
	if name == "" {
		name = "alexnet-tv"
		if st != nil && st.Arch != "" {
			name = st.Arch
		}
	}
	classes, channels := 0, 0
	if st != nil && st.Arch == name {
		classes, channels = st.Classes, st.Channels
		if size == 0 {
			size = st.InputSize
		}
	}
	params := paramTensors(ck.Tensors)
	if probe, err := train.Get(name, 1, 3, size); err == nil && (classes == 0 || channels == 0) {
		ps := probe.Params()
		byName := map[string]weights.Tensor{}
		for _, t := range params {
			byName[t.Name] = t
		}
		if t, ok := byName[ps[len(ps)-1].Name]; ok && classes == 0 && len(t.Shape) == 1 && t.Shape[0] > 0 {
			classes = t.Shape[0] // the last layer's bias
		}
		if t, ok := byName[ps[0].Name]; ok && channels == 0 && len(t.Shape) == 4 && (t.Shape[1] == 1 || t.Shape[1] == 3) {
			channels = t.Shape[1] // the first convolution's input channels
		}
	}
	if classes == 0 {
		classes = 1000
	}
	if channels == 0 {
		channels = 3
	}
	a, err := train.Get(name, classes, channels, size)
	if st != nil && st.Arch == name && (size == 0 || size == st.InputSize) {
		// The net as trained, even if the named architecture has changed since.
		if ra, ok, rerr := st.RecordedArch(); rerr != nil {
			return a, fmt.Errorf("--weights %s: %v", ck.Path, rerr)
		} else if ok {
			a, err = ra, nil
		}
	}
	if err != nil {
		return a, err
	}
	want := map[string][]int{}
	for _, p := range a.Params() {
		want[p.Name] = p.Shape
	}
	if err := weights.Match(params, want); err != nil {
		hint := ""
		if st != nil && st.Arch != "" && st.Arch != name {
			hint = fmt.Sprintf(" (the file is a checkpoint of %s)", st.Arch)
		}
		return a, fmt.Errorf("--weights %s does not fit --arch %s%s: %v", ck.Path, name, hint, err)
	}
	return a, nil
}

// paramTensors drops a checkpoint's momenta ("momentum.<name>"), keeping the parameters.
func paramTensors(ts []weights.Tensor) []weights.Tensor {
	var ps []weights.Tensor
	for _, t := range ts {
		if !strings.HasPrefix(t.Name, "momentum.") {
			ps = append(ps, t)
		}
	}
	return ps
}

// maxLabelsBytes bounds a --labels file (ImageNet's 1000 names are 31 KB).
const maxLabelsBytes = 16 << 20

// classNames returns the names from --labels, else the checkpoint's, else ImageNet's for 1000
// classes, else "class N".
func classNames(ck *train.Checkpoint, file string, classes int) ([]string, error) {
	if file != "" {
		b, err := regfile.ReadFile(file, maxLabelsBytes, "a text file of class names, one per line")
		if err != nil {
			return nil, fmt.Errorf("--labels: %v", err)
		}
		names := strings.Split(strings.TrimRight(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n"), "\n")
		if len(names) != classes {
			return nil, fmt.Errorf("--labels %s: %d names, the weights have %d classes (expected one name per line)", file, len(names), classes)
		}
		return names, nil
	}
	if st := ck.State; st != nil && len(st.ClassNames) == classes {
		return st.ClassNames, nil
	}
	if classes == 1000 {
		return assets.ImageNetClasses(), nil
	}
	names := make([]string, classes)
	for i := range names {
		names[i] = fmt.Sprintf("class %d", i)
	}
	return names, nil
}
