package viz

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strconv"
)

// ConfusionOptions tunes ConfusionMatrix.
type ConfusionOptions struct {
	Title string // caption, e.g. "confusion at step 5625: top-1 90.5 % on 10000 test images"
	Cell  int    // side of a cell in pixels; 0 picks one from the number of classes
}

// confusionCell returns the side of one cell for n classes: large enough for the counts up to 12
// classes, then shrinking so that the matrix stays within about 640 pixels (at least 1).
func confusionCell(n int) int {
	switch {
	case n <= 12:
		return 36
	case n <= 32:
		return 20
	}
	return max(1, 640/n)
}

// ConfusionMatrix draws counts[i][j] (test images of true class i predicted as j) as a grid: rows
// are true classes, columns predictions, each cell coloured by its share of the row (the viridis
// map of √share, so that small confusions stand out beside the diagonal; the colour bar gives the
// shares), with the count written in the cell where it fits, the class names left of the rows,
// the class numbers above the columns and each class's accuracy (its diagonal share) right of its
// row, where there is room (up to 40 classes). It panics if counts is not square or names is
// shorter than counts when given: a programmer error.
func ConfusionMatrix(counts [][]int, names []string, opt ConfusionOptions) *image.RGBA {
	n := len(counts)
	for i, row := range counts {
		if len(row) != n {
			panic(fmt.Sprintf("viz: ConfusionMatrix: row %d has %d counts, want %d", i, len(row), n))
		}
	}
	if names != nil && len(names) < n {
		panic(fmt.Sprintf("viz: ConfusionMatrix: %d names for %d classes", len(names), n))
	}
	cell := confusionCell(n)
	if opt.Cell > 0 {
		cell = opt.Cell
	}
	labelled := n <= 40
	nameW := 0
	if labelled {
		for i := 0; i < n; i++ {
			nameW = max(nameW, textWidth(confusionName(names, i)))
		}
		nameW = max(nameW, textWidth("true class")) + 8
	}
	headH := lineH + 4 // "predicted" and the column numbers
	if labelled {
		headH += lineH + 2
	}
	accW := 0
	if labelled {
		accW = textWidth("100.0%") + 10
	}
	at := image.Pt(nameW, headH)
	side := n * cell
	barW := max(side, 240)
	w := max(at.X+side+accW, at.X+barW) + 4
	h := at.Y + side + 8 + lineH + 2 + colorBarH + 4
	img := newCanvas(w, h, bgColor)
	drawText(img, at.X, 0, "predicted class ->", axisColor)
	if labelled {
		drawText(img, at.X-6-textWidth("true class"), lineH+2, "true class", axisColor)
		if w := textWidth("acc."); accW > 0 {
			drawText(img, at.X+side+accW-w, lineH+2, "acc.", axisColor)
		}
	}
	for i, row := range counts {
		total := 0
		for _, c := range row {
			total += c
		}
		y := at.Y + i*cell
		if labelled {
			s := confusionName(names, i)
			drawText(img, at.X-6-textWidth(s), y+(cell-lineH)/2, s, textColor)
			acc := "-"
			if total > 0 {
				acc = strconv.FormatFloat(100*float64(row[i])/float64(total), 'f', 1, 64) + "%"
			}
			drawText(img, at.X+side+accW-textWidth(acc), y+(cell-lineH)/2, acc, textColor)
		}
		for j, c := range row {
			x := at.X + j*cell
			share := 0.0
			if total > 0 {
				share = float64(c) / float64(total)
			}
			col := Viridis(math.Sqrt(share))
			r := image.Rect(x, y, x+cell, y+cell)
			fillRect(img, r, col)
			if s := strconv.Itoa(c); cell >= 20 && textWidth(s) <= cell-2 && c > 0 {
				drawText(img, x+(cell-textWidth(s))/2, y+(cell-lineH)/2, s, contrastText(col))
			}
		}
	}
	if labelled {
		for j := 0; j < n; j++ {
			s := strconv.Itoa(j)
			if textWidth(s) <= cell {
				drawText(img, at.X+j*cell+(cell-textWidth(s))/2, lineH+2, s, axisColor)
			}
		}
	}
	if cell >= 4 { // grid lines between cells, where they leave room for the colour
		for k := 0; k <= n; k++ {
			fillRect(img, image.Rect(at.X+k*cell, at.Y, at.X+k*cell+1, at.Y+side), bgColor)
			fillRect(img, image.Rect(at.X, at.Y+k*cell, at.X+side, at.Y+k*cell+1), bgColor)
		}
	}
	strokeRect(img, image.Rect(at.X-1, at.Y-1, at.X+side+1, at.Y+side+1), borderColor)
	drawText(img, at.X, at.Y+side+6, "colour: share of the true class", axisColor)
	bar := image.Rect(at.X, at.Y+side+8+lineH+2, at.X+barW, at.Y+side+8+lineH+2+colorBarH)
	drawColorBarH(img, bar, Viridis, false, "0", "25%", "100%")
	return withTitle(img, opt.Title)
}

// confusionName is the row label of class i: its name, or its number without names; at most 18
// characters.
func confusionName(names []string, i int) string {
	s := strconv.Itoa(i)
	if names != nil {
		s = names[i] + " " + s
	}
	return fitText(s, 18*charW)
}

// contrastText picks black or white text for a cell of colour c, by its luminance.
func contrastText(c color.RGBA) color.RGBA {
	if 2126*int(c.R)+7152*int(c.G)+722*int(c.B) > 128*10000 {
		return color.RGBA{0, 0, 0, 255}
	}
	return color.RGBA{255, 255, 255, 255}
}
