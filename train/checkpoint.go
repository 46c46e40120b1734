package train

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"

	"github.com/alexnet-vk/alexnet/data"
	"github.com/alexnet-vk/alexnet/layers/vk"
	"github.com/alexnet-vk/alexnet/weights"
)

// State is what a checkpoint records besides the tensors, so that a resumed run continues exactly
// where the interrupted one stopped: the schedule, the position in the data and the RNG inputs.
type State struct {
	Arch       string   `json:"arch"`
	Classes    int      `json:"classes"`
	Channels   int      `json:"channels"`
	InputSize  int      `json:"input_size"`
	Step       uint64   `json:"step"`  // SGD updates done; keys dropout masks
	Epoch      int      `json:"epoch"` // epoch of the next batch
	Batch      int      `json:"batch"` // index of the next batch in that epoch
	LR         float64  `json:"lr"`
	Drops      int      `json:"lr_drops"`   // how many times the schedule divided lr by 10
	BestErr    float64  `json:"best_error"` // best validation top-1 error so far
	BadEvals   int      `json:"bad_evals"`  // evaluations since it last improved
	Seed       uint64   `json:"seed"`
	BatchSize  int      `json:"batch_size"`
	Data       string   `json:"data"`
	ClassNames []string `json:"class_names,omitempty"`
	// Norm is how the training inputs were normalised, so that the checkpoint classifies images
	// without its dataset at hand (absent in checkpoints written before it was recorded).
	Norm *InputNorm `json:"norm,omitempty"`
	// Layers is the architecture's layer list, so that the checkpoint loads as the net it was
	// trained as even after the named architecture's definition changes (absent in checkpoints
	// written before it was recorded: those load by name).
	Layers []Layer `json:"layers,omitempty"`
	// RunID names the run that wrote the checkpoint: pruning touches only its own run's files, and
	// a run directory holds one run (absent before it was recorded).
	RunID string `json:"run_id,omitempty"`
	// Config is the run's configuration, every recorded training flag as its flag spells it (see
	// flagDefs): --resume restores it (absent before it was recorded).
	Config map[string]string `json:"config,omitempty"`
	// Window holds the training statistics summed since the last evaluation, so that a resumed run
	// writes the same metrics rows as an uninterrupted one.
	Window *WindowSums `json:"window,omitempty"`
	// ConvAlgos is each conv layer's algorithm per pass (direct, winograd: F(2×2,R×R) as in
	// checkpoints written before F(4×4,3×3) existed, or winograd4: F(4×4,3×3)) as --conv-algo auto
	// timed it, by layer name: a resumed run reuses it instead of timing again, since another
	// choice would round differently and break the bit-identical continuation (absent before it
	// was recorded: such a run times afresh).
	ConvAlgos map[string]vk.ConvAlgos `json:"conv_algos,omitempty"`
}

// WindowSums are the training statistics of the steps since the last evaluation.
type WindowSums struct {
	Loss float64 `json:"loss_sum"`
	Top1 int     `json:"top1"`
	Top5 int     `json:"top5"`
	N    int     `json:"n"`
	Busy float64 `json:"busy_s"` // seconds the window's steps took
}

// RecordedArch returns the architecture a checkpoint recorded (State.Layers with its name, input
// and classes), ok false when it recorded none, or an error when the record does not describe a
// valid net.
func (st *State) RecordedArch() (a Arch, ok bool, err error) {
	if st == nil || len(st.Layers) == 0 {
		return Arch{}, false, nil
	}
	a = Arch{Name: st.Arch, In: Shape{C: st.Channels, H: st.InputSize, W: st.InputSize}, Classes: st.Classes,
		Layers: append([]Layer(nil), st.Layers...), Notes: "as recorded in the checkpoint"}
	if _, err := a.Shapes(); err != nil {
		return Arch{}, false, fmt.Errorf("the architecture recorded in the checkpoint: %v", err)
	}
	if err := consistentWith(a); err != nil {
		return Arch{}, false, fmt.Errorf("the architecture recorded in the checkpoint: %v", err)
	}
	if last := a.Layers[len(a.Layers)-1]; last.Kind != Linear || last.Out != st.Classes {
		return Arch{}, false, fmt.Errorf("the architecture recorded in the checkpoint ends in %s with %d outputs, not a linear layer of its %d classes", last.Kind, last.Out, st.Classes)
	}
	return a, true, nil
}

// SameLayers reports whether two architectures have the same layers.
func SameLayers(a, b Arch) bool { return reflect.DeepEqual(a.Layers, b.Layers) }

// InputNorm records the input normalisation of a training run: its mode (data.Norm's flag
// spelling) and, for the modes computed from the training set, the per-channel mean and variance of
// the net's input channels in 0..255 pixel units (for mean-image, the channel moments of that image,
// what a consumer without the image itself can subtract).
type InputNorm struct {
	Mode        string    `json:"mode"`
	ChannelMean []float64 `json:"channel_mean,omitempty"`
	ChannelVar  []float64 `json:"channel_var,omitempty"`
}

// inputNorm returns the InputNorm of a loader normalising by mode to channels output channels,
// from the training set's statistics st (nil for modes that need none).
func inputNorm(mode data.Norm, st *data.Stats, channels int) (*InputNorm, error) {
	n := &InputNorm{Mode: mode.String()}
	if mode != data.NormChannel && mode != data.NormMeanImage {
		return n, nil
	}
	if st == nil {
		return nil, fmt.Errorf("input normalisation %s without the training set's statistics", mode)
	}
	for c := 0; c < channels; c++ {
		m, v := data.ChannelMoments(st, c, channels)
		n.ChannelMean, n.ChannelVar = append(n.ChannelMean, m), append(n.ChannelVar, v)
	}
	return n, nil
}

const momentumPrefix = "momentum."

// ErrNotFinite is returned by SaveCheckpoint for parameters holding NaN or ±Inf: a diverged run
// must not replace its last good checkpoint.
var ErrNotFinite = errors.New("parameters are not finite")

// SaveCheckpoint writes the net's parameters (by name), momenta ("momentum.<name>") and st to path
// atomically: a temp file beside it, fsynced, then renamed, so the previous file survives a crash.
func SaveCheckpoint(path string, n *Net, st State) error {
	if err := st.validate(); err != nil { // a file that LoadCheckpoint would refuse is a bug here
		return fmt.Errorf("checkpoint %s: invalid state: %v", path, err)
	}
	w, v, err := n.Weights()
	if err != nil {
		return err
	}
	var ts []weights.Tensor
	for i, p := range n.Params {
		if !finite(w[i]) || !finite(v[i]) {
			return fmt.Errorf("%s: %w", p.Name, ErrNotFinite)
		}
		ts = append(ts, weights.Tensor{Name: p.Name, Shape: p.Shape, Data: w[i]})
	}
	for i, p := range n.Params {
		ts = append(ts, weights.Tensor{Name: momentumPrefix + p.Name, Shape: p.Shape, Data: v[i]})
	}
	js, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("checkpoint state: %v", err)
	}
	meta := map[string]string{"format": "alexnet-vk checkpoint 1", "state": string(js)}
	if err := weights.WriteSafetensors(path, ts, meta); err != nil {
		return fmt.Errorf("writing checkpoint %s: %w", path, err)
	}
	return nil
}

func finite(v []float32) bool {
	for _, x := range v {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return false
		}
	}
	return true
}

// Checkpoint is a loaded checkpoint or weights file.
type Checkpoint struct {
	Path    string
	Tensors []weights.Tensor // a .pth's hold names and shapes only until Apply has checked them
	State   *State           // nil for a plain weights file (torchvision import, or safetensors without our metadata)
	pth     bool             // Tensors are a .pth's shapes; Apply reads the values (see readPth)
}

// LoadCheckpoint reads a .safetensors checkpoint or weights file, or a torchvision .pth state_dict.
func LoadCheckpoint(path string) (*Checkpoint, error) {
	var ts []weights.Tensor
	var meta map[string]string
	var err error
	if strings.HasSuffix(path, ".pth") || strings.HasSuffix(path, ".pt") {
		ts, err = weights.PthShapes(path) // values are read by Apply, once the shapes fit the net
	} else {
		ts, meta, err = weights.ReadSafetensors(path)
	}
	if err != nil {
		return nil, err
	}
	c := &Checkpoint{Path: path, Tensors: ts, pth: strings.HasSuffix(path, ".pth") || strings.HasSuffix(path, ".pt")}
	if c.State, err = parseState(path, meta); err != nil {
		return nil, err
	}
	return c, nil
}

// Apply loads the checkpoint's parameters (and momenta, when momenta is true and present) into n.
// Missing, unexpected or mis-shaped tensors are an error naming each one and both shapes.
func (c *Checkpoint) Apply(n *Net, momenta bool) error {
	want := map[string][]int{}
	for _, p := range n.Params {
		want[p.Name] = p.Shape
	}
	var params, moms []weights.Tensor
	byName := map[string]weights.Tensor{}
	for _, t := range c.Tensors {
		if strings.HasPrefix(t.Name, momentumPrefix) {
			moms = append(moms, t)
		} else {
			params = append(params, t)
		}
		byName[t.Name] = t
	}
	if err := weights.Match(params, want); err != nil {
		return fmt.Errorf("%s does not fit --arch %s: %v", c.Path, n.Arch.Name, err)
	}
	if err := c.readPth(want, byName); err != nil {
		return err
	}
	w := make([][]float32, len(n.Params))
	for i, p := range n.Params {
		w[i] = byName[p.Name].Data
	}
	var v [][]float32
	if momenta && len(moms) > 0 {
		v = make([][]float32, len(n.Params))
		for i, p := range n.Params {
			t, ok := byName[momentumPrefix+p.Name]
			if !ok || t.Numel() != p.Size() {
				return fmt.Errorf("%s: momentum of %s missing or mis-shaped", c.Path, p.Name)
			}
			v[i] = t.Data
		}
	}
	return n.SetWeights(w, v)
}
