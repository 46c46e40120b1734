package viz

import "image"

// GalleryItem is one picture of a Gallery with its caption lines: the first is drawn green (the
// truth), the second orange (the prediction), others in the text colour.
type GalleryItem struct {
	Image image.Image
	Lines []string
}

// GalleryOptions tunes Gallery; the zero value gives sensible defaults.
type GalleryOptions struct {
	Title string // caption over the gallery
	Cols  int    // pictures per row; 0: up to 8
	Side  int    // the box each picture is fitted in (integer upscale where it fits); 0 means 96
}

var wrongColor = seriesPalette[5] // vermillion, for a wrong prediction

// Gallery draws items on a grid, each picture fitted into a Side×Side box (small pictures are
// upscaled by a whole factor, large ones shrunk) with its caption lines under it, shortened with
// "~" to the cell's width (14 to 24 characters wide). An empty list draws "none".
func Gallery(items []GalleryItem, opt GalleryOptions) *image.RGBA {
	side := opt.Side
	if side <= 0 {
		side = 96
	}
	lines := 0
	for _, it := range items {
		lines = max(lines, len(it.Lines))
	}
	longest := 0
	for _, it := range items {
		for _, l := range it.Lines {
			longest = max(longest, len([]rune(l)))
		}
	}
	cellW := max(side, min(24, max(14, longest))*charW)
	cellH := side + 4 + lines*lineH
	cols := opt.Cols
	if cols <= 0 {
		cols = min(8, max(1, len(items)))
	}
	if len(items) == 0 {
		img := newCanvas(cellW, lineH+8, bgColor)
		drawText(img, 4, 4, "none", axisColor)
		return withTitle(img, opt.Title)
	}
	g := newTileGrid(len(items), cols, cellW, cellH, 8)
	sz := g.size()
	img := newCanvas(sz.X, sz.Y, bgColor)
	for i, it := range items {
		r := g.cell(image.Point{}, i)
		box := image.Rect(r.Min.X+(cellW-side)/2, r.Min.Y, r.Min.X+(cellW+side)/2, r.Min.Y+side)
		if it.Image != nil && !it.Image.Bounds().Empty() {
			src := toRGBA(it.Image)
			pic := fitRect(box, src.Rect.Size())
			pic = pic.Add(box.Size().Sub(pic.Size()).Div(2)) // centred in its box
			scaleInto(img, pic, src)
			strokeRect(img, pic.Inset(-1), borderColor)
		}
		for k, l := range it.Lines {
			c := textColor
			switch k {
			case 0:
				c = truthColor
			case 1:
				c = wrongColor
			}
			drawText(img, r.Min.X, r.Min.Y+side+4+k*lineH, fitText(l, cellW), c)
		}
	}
	return withTitle(img, opt.Title)
}

// Titled returns img under a caption strip holding title (img itself when title is empty), for
// panels rendered at a fixed size, such as Curves.
func Titled(img *image.RGBA, title string) *image.RGBA { return withTitle(img, title) }
