package train

import (
	"encoding/csv"
	"fmt"
	"image"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/alexnet-vk/alexnet/data"
	"github.com/alexnet-vk/alexnet/viz"
)

// EvalPictures are the pictures an evaluation explains itself with.
type EvalPictures struct {
	Confusion *image.RGBA // the confusion matrix
	Mistakes  *image.RGBA // the gallery of the most confident mistakes
}

// WriteEvaluation writes what explains an evaluation into dir: confusion.csv (counts, rows true
// classes, columns predictions), per-class.csv (each class's images, accuracy and the class it is
// most often taken for), confusion.png and mistakes.png (the most confidently misclassified test
// images with their true and predicted labels); with numbered, the PNGs also as numbered copies
// in dir/snapshots/<step>/ (training keeps one per evaluation). test is the split r was evaluated
// on (the gallery's pictures come from it); names are the class names.
func WriteEvaluation(dir string, r *EvalResult, names []string, test *data.Split, numbered bool) (*EvalPictures, error) {
	if err := writeConfusionCSV(filepath.Join(dir, "confusion.csv"), r, names); err != nil {
		return nil, err
	}
	if err := writePerClassCSV(filepath.Join(dir, "per-class.csv"), r, names); err != nil {
		return nil, err
	}
	crop := ""
	if r.TenCrop {
		crop = ", 10 crops"
	}
	p := &EvalPictures{
		Confusion: viz.ConfusionMatrix(r.Confusion, paddedNames(names, len(r.Confusion)), viz.ConfusionOptions{
			Title: fmt.Sprintf("confusion at step %d: top-1 %.2f%%, top-5 %.2f%% on %d test images%s", r.Step, 100*r.Top1, 100*r.Top5, r.Images, crop)}),
		Mistakes: MistakeGallery(r, names, test),
	}
	save := func(name string, img image.Image) error {
		if numbered {
			return savePanel(dir, name, r.Step, img)
		}
		return viz.SavePNG(filepath.Join(dir, name), img)
	}
	if err := save("confusion.png", p.Confusion); err != nil {
		return nil, err
	}
	if err := save("mistakes.png", p.Mistakes); err != nil {
		return nil, err
	}
	return p, nil
}

// MistakeGallery draws r's most confident mistakes (MistakeItems) as a viz.Gallery.
func MistakeGallery(r *EvalResult, names []string, test *data.Split) *image.RGBA {
	return viz.Gallery(MistakeItems(r, names, test), viz.GalleryOptions{Title: MistakeTitle(r)})
}

// MistakeTitle is the mistakes gallery's caption.
func MistakeTitle(r *EvalResult) string {
	return fmt.Sprintf("the %d most confident mistakes at step %d (of %d wrong)", len(r.Mistakes), r.Step, r.Images-int(math.Round(r.Top1*float64(r.Images))))
}

// MistakeItems returns r's most confident mistakes as gallery items: each test image at its native
// size with its true label, the prediction and its probability, and the image's index in the split.
func MistakeItems(r *EvalResult, names []string, test *data.Split) []viz.GalleryItem {
	var items []viz.GalleryItem
	for _, m := range r.Mistakes {
		img, err := SplitImage(test, m.Index)
		lines := []string{"true: " + className(names, m.Label), fmt.Sprintf("pred: %s %.1f%%", className(names, m.Pred), 100*m.Prob),
			fmt.Sprintf("test image %d", m.Index)}
		if err != nil {
			lines[2] = "unreadable: " + err.Error()
		}
		items = append(items, viz.GalleryItem{Image: img, Lines: lines})
	}
	return items
}

// SplitImage returns sample i of s at its native size as a picture (grey or RGB), nil with an
// error when it is unreadable.
func SplitImage(s *data.Split, i int) (image.Image, error) {
	if s == nil {
		return nil, fmt.Errorf("no split")
	}
	d := s.Dataset()
	buf := make([]byte, d.Channels*d.Height*d.Width)
	if err := s.Image(i, buf); err != nil {
		return nil, err
	}
	return hwcImage(buf, d.Channels, d.Height, d.Width), nil
}

// hwcImage wraps HWC uint8 pixels (1 or 3 channels; others show their first) as a picture.
func hwcImage(buf []byte, c, h, w int) image.Image {
	if c == 1 {
		return &image.Gray{Pix: buf, Stride: w, Rect: image.Rect(0, 0, w, h)} // buf is the caller's own
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < h*w; i++ {
		p := buf[i*c : i*c+c]
		px := color.RGBA{p[0], p[0], p[0], 255}
		if c >= 3 {
			px = color.RGBA{p[0], p[1], p[2], 255}
		}
		img.SetRGBA(i%w, i/w, px)
	}
	return img
}

// paddedNames returns names with "class N" for the classes it lacks, n in all.
func paddedNames(names []string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = className(names, i)
	}
	return out
}

func writeConfusionCSV(path string, r *EvalResult, names []string) error {
	n := len(r.Confusion)
	rows := [][]string{append([]string{`true \ predicted`}, paddedNames(names, n)...)}
	for i, row := range r.Confusion {
		rec := []string{className(names, i)}
		for _, c := range row {
			rec = append(rec, strconv.Itoa(c))
		}
		rows = append(rows, rec)
	}
	return writeCSV(path, rows)
}

func writePerClassCSV(path string, r *EvalResult, names []string) error {
	acc, images := r.PerClass()
	rows := [][]string{{"class", "name", "images", "correct", "accuracy", "most_taken_for", "times"}}
	for i, row := range r.Confusion {
		other, times := -1, 0
		for j, c := range row {
			if j != i && c > times {
				other, times = j, c
			}
		}
		otherName := ""
		if other >= 0 {
			otherName = className(names, other)
		}
		a := ""
		if !math.IsNaN(acc[i]) {
			a = strconv.FormatFloat(acc[i], 'f', 6, 64)
		}
		rows = append(rows, []string{strconv.Itoa(i), className(names, i), strconv.Itoa(images[i]), strconv.Itoa(row[i]), a, otherName, strconv.Itoa(times)})
	}
	return writeCSV(path, rows)
}

// writeCSV writes rows to path through a temporary file renamed over it.
func writeCSV(path string, rows [][]string) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.WriteAll(rows)
	err = w.Error()
	if e := f.Close(); err == nil {
		err = e
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %v", path, err)
	}
	return nil
}

// savePanel writes img as dir/name, replaced at every snapshot, and keeps a numbered copy as
// dir/snapshots/<step>/name, so a run's pictures can be followed step by step.
func savePanel(dir, name string, step uint64, img image.Image) error {
	if err := viz.SavePNG(filepath.Join(dir, name), img); err != nil {
		return err
	}
	sub := filepath.Join(dir, "snapshots", fmt.Sprintf("%0*d", checkpointDigits, step))
	if err := os.MkdirAll(sub, 0o755); err != nil {
		return err
	}
	return viz.SavePNG(filepath.Join(sub, name), img)
}

// worstAndBest names the classes with the lowest and highest accuracy, for the log.
func worstAndBest(r *EvalResult, names []string) string {
	acc, _ := r.PerClass()
	lo, hi := -1, -1
	for i, a := range acc {
		if math.IsNaN(a) {
			continue
		}
		if lo < 0 || a < acc[lo] {
			lo = i
		}
		if hi < 0 || a > acc[hi] {
			hi = i
		}
	}
	if lo < 0 {
		return ""
	}
	return fmt.Sprintf("; per class from %s %.1f%% to %s %.1f%%", className(names, lo), 100*acc[lo], className(names, hi), 100*acc[hi])
}
