package train

import "github.com/alexnet-vk/alexnet/weights"

// readPth reads the values of a .pth checkpoint, whose names and shapes alone LoadCheckpoint read,
// now that they are known to be want's: weights.ReadPthFor decodes nothing for a file that does not
// fit, and no more than the net's parameters for one that does. byName is updated.
func (c *Checkpoint) readPth(want map[string][]int, byName map[string]weights.Tensor) error {
	if !c.pth {
		return nil
	}
	ts, err := weights.ReadPthFor(c.Path, want)
	if err != nil {
		return err
	}
	c.Tensors, c.pth = ts, false
	for _, t := range ts {
		byName[t.Name] = t
	}
	return nil
}
