// Package datatest writes small datasets for tests of the packages that train on them.
package datatest

import (
	"encoding/binary"
	"os"
	"path/filepath"
)

// WriteIDX writes <prefix>-images-idx3-ubyte and <prefix>-labels-idx1-ubyte into dir: n 28×28
// images whose classes are learnable (class c = (3i + seed) mod 10 lights rows 2c+4..2c+7 over
// noise), the same for the same seed.
func WriteIDX(dir, prefix string, n, seed int) error {
	img := make([]byte, 16+n*28*28)
	binary.BigEndian.PutUint32(img, 0x803)
	binary.BigEndian.PutUint32(img[4:], uint32(n))
	binary.BigEndian.PutUint32(img[8:], 28)
	binary.BigEndian.PutUint32(img[12:], 28)
	lbl := make([]byte, 8+n)
	binary.BigEndian.PutUint32(lbl, 0x801)
	binary.BigEndian.PutUint32(lbl[4:], uint32(n))
	r := uint32(seed*7919 + 1)
	for i := 0; i < n; i++ {
		c := (i*3 + seed) % 10
		lbl[8+i] = byte(c)
		for p := 0; p < 28*28; p++ {
			r = r*1664525 + 1013904223
			v := byte(r >> 27) // noise 0..31
			if row := p / 28; row >= 2*c+4 && row < 2*c+8 {
				v += 180
			}
			img[16+i*28*28+p] = v
		}
	}
	if err := os.WriteFile(filepath.Join(dir, prefix+"-images-idx3-ubyte"), img, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, prefix+"-labels-idx1-ubyte"), lbl, 0o644)
}

// WriteIDXSet writes a training split (seed 1) and a test split (seed 2) in MNIST's file names.
func WriteIDXSet(dir string, train, test int) error {
	if err := WriteIDX(dir, "train", train, 1); err != nil {
		return err
	}
	return WriteIDX(dir, "t10k", test, 2)
}
