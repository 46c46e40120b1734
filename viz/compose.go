package viz

import (
	"encoding/binary"
	"image"
	"image/draw"
)

// composeGap is the background margin around and between panels, in pixels.
const composeGap = 6

// Compose lays out panels in a new w×h canvas (see Layout) and draws each one scaled with
// nearest neighbour into its rectangle; sizes below 1 become 1.
func Compose(w, h int, panels ...image.Image) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, max(w, 1), max(h, 1)))
	ComposeInto(dst, panels...)
	return dst
}

// ComposeInto is Compose drawing into dst (reused between redraws to avoid a 4 MB allocation per
// frame); it returns each panel's rectangle, for mouse hit-tests, empty for a nil panel.
// *image.RGBA panels take a fast path; other image types are converted first, which is slower.
func ComposeInto(dst *image.RGBA, panels ...image.Image) []image.Rectangle {
	fillRect(dst, dst.Rect, bgColor)
	var sizes []image.Point
	var index []int
	for i, p := range panels {
		if p != nil && !p.Bounds().Empty() {
			sizes = append(sizes, p.Bounds().Size())
			index = append(index, i)
		}
	}
	rects := make([]image.Rectangle, len(panels))
	for j, r := range Layout(dst.Rect.Dx(), dst.Rect.Dy(), sizes) {
		r = r.Add(dst.Rect.Min)
		rects[index[j]] = r
		scaleInto(dst, r, toRGBA(panels[index[j]]))
	}
	return rects
}

// Layout returns one rectangle per panel size inside a w×h canvas, keeping every panel's aspect
// ratio and the panels' order (left to right, top to bottom), and chooses how to break the
// panels into rows so that the panels cover as much of the canvas as possible.
//
// Each candidate split into rows is scored as in a justified photo gallery: row r gets height
// h_r = W_r / Σ_i (w_i/h_i), where W_r is its width less the gaps, so the row spans the canvas;
// if the rows together are too tall, all heights shrink by the same factor. The split covering
// the largest area wins (every split for up to 10 panels, equal-length rows beyond). Aspect
// ratios are 16.16 fixed point, so the layout is the same integers on every machine.
func Layout(w, h int, sizes []image.Point) []image.Rectangle {
	n := len(sizes)
	if n == 0 {
		return nil
	}
	var best []image.Rectangle
	bestArea := int64(-1)
	try := func(rows [][]int) {
		rects, area := layoutRows(w, h, sizes, rows)
		if area > bestArea {
			best, bestArea = rects, area
		}
	}
	if n <= 10 {
		for mask := 0; mask < 1<<(n-1); mask++ {
			try(splitByMask(n, mask)) // bit i set: a new row starts after panel i
		}
		return best
	}
	for m := 1; m <= n; m++ {
		try(splitEven(n, m))
	}
	return best
}

// splitByMask breaks panels 0..n−1 into rows, starting a new row after panel i when bit i is set.
func splitByMask(n, mask int) [][]int {
	rows := [][]int{{}}
	for i := 0; i < n; i++ {
		rows[len(rows)-1] = append(rows[len(rows)-1], i)
		if i < n-1 && mask&(1<<i) != 0 {
			rows = append(rows, []int{})
		}
	}
	return rows
}

// splitEven breaks panels 0..n−1 into m rows of as equal length as possible.
func splitEven(n, m int) [][]int {
	rows := make([][]int, m)
	for i := 0; i < n; i++ {
		r := i * m / n
		rows[r] = append(rows[r], i)
	}
	return rows
}

// layoutRows places the panels row by row as Layout describes and returns their rectangles
// and the total area they cover.
func layoutRows(w, h int, sizes []image.Point, rows [][]int) ([]image.Rectangle, int64) {
	heights := make([]int64, len(rows))
	var sum int64
	for r, row := range rows {
		var aspect int64 // Σ w_i/h_i in 16.16 fixed point
		for _, i := range row {
			s := sizes[i]
			aspect += int64(max(s.X, 1)) << 16 / int64(max(s.Y, 1))
		}
		avail := int64(w - composeGap*(len(row)+1))
		heights[r] = max(0, avail<<16/max(aspect, 1))
		sum += heights[r]
	}
	availH := int64(h - composeGap*(len(rows)+1))
	if sum > availH {
		for r := range heights {
			heights[r] = max(0, heights[r]*availH/sum)
		}
	}
	var used int64
	for _, rh := range heights {
		used += rh
	}
	rects := make([]image.Rectangle, len(sizes))
	var area int64
	y := composeGap + int(max(0, availH-used)/2)
	for r, row := range rows {
		rh := heights[r]
		widths := make([]int, len(row))
		total := composeGap * (len(row) - 1)
		for k, i := range row {
			s := sizes[i]
			widths[k] = int(rh * int64(max(s.X, 1)) / int64(max(s.Y, 1)))
			total += widths[k]
		}
		x := (w - total) / 2
		for k, i := range row {
			rects[i] = image.Rect(x, y, x+widths[k], y+int(rh))
			area += int64(widths[k]) * rh
			x += widths[k] + composeGap
		}
		y += int(rh) + composeGap
	}
	return rects, area
}

// scaleInto draws src scaled with nearest neighbour to fill r (clipped to dst): destination
// pixel (x, y) takes source pixel (x·sw/rw, y·sh/rh). Rows that repeat a source row are copied
// whole, which makes upscaling cost little more than a memory copy.
func scaleInto(dst *image.RGBA, r image.Rectangle, src *image.RGBA) {
	clip := r.Intersect(dst.Rect)
	if clip.Empty() || src.Rect.Empty() {
		return
	}
	sw, sh := src.Rect.Dx(), src.Rect.Dy()
	rw, rh := r.Dx(), r.Dy()
	if sw == rw && sh == rh {
		draw.Draw(dst, clip, src, src.Rect.Min.Add(clip.Min.Sub(r.Min)), draw.Src)
		return
	}
	xoff := make([]int, clip.Dx()) // byte offset of the source pixel within a source row
	for k := range xoff {
		xoff[k] = 4 * ((clip.Min.X - r.Min.X + k) * sw / rw)
	}
	prevSy := -1
	var prev []byte
	for y := clip.Min.Y; y < clip.Max.Y; y++ {
		row := dst.Pix[dst.PixOffset(clip.Min.X, y):][:4*clip.Dx()]
		sy := (y - r.Min.Y) * sh / rh
		if sy == prevSy {
			copy(row, prev)
			continue
		}
		srow := src.Pix[src.PixOffset(src.Rect.Min.X, src.Rect.Min.Y+sy):]
		for k, o := range xoff {
			binary.NativeEndian.PutUint32(row[4*k:], binary.NativeEndian.Uint32(srow[o:]))
		}
		prevSy, prev = sy, row
	}
}
