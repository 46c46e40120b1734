package viz

import "image"

// ContactSheet places frames (e.g. the numbered filters-<step>.png of a run) on a grid of cols
// columns (0 picks ⌈√n⌉), each with its label below, so one picture shows the filters forming.
// Cells are as large as the largest frame; smaller frames sit at their cell's top-left corner.
func ContactSheet(frames []image.Image, labels []string, cols int) *image.RGBA {
	var cell image.Point
	for _, f := range frames {
		if f != nil {
			cell.X, cell.Y = max(cell.X, f.Bounds().Dx()), max(cell.Y, f.Bounds().Dy())
		}
	}
	g := newTileGrid(max(1, len(frames)), cols, cell.X, cell.Y+lineH+4, composeGap)
	sz := g.size()
	img := newCanvas(sz.X, sz.Y, bgColor)
	for i, f := range frames {
		r := g.cell(image.Point{}, i)
		if f != nil {
			src := toRGBA(f)
			scaleInto(img, image.Rectangle{Min: r.Min, Max: r.Min.Add(src.Rect.Size())}, src)
		}
		if i < len(labels) {
			drawText(img, r.Min.X, r.Min.Y+cell.Y+2, fitText(labels[i], cell.X), textColor)
		}
	}
	return img
}
