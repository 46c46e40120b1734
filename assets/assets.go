// Package assets holds the run-time files the commands embed: ImageNet's class names.
package assets

import (
	_ "embed" // the class names file
	"strings"
)

//go:embed imagenet_classes.txt
var imagenetClasses string

// ImageNetClasses returns ImageNet's 1000 class names in torchvision's index order (a fresh slice).
func ImageNetClasses() []string {
	return strings.Split(strings.TrimSuffix(imagenetClasses, "\n"), "\n")
}
