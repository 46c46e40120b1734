package viz

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"
	"image"
	"image/png"
	"os"
	"path/filepath"
)

// Report is a run's page: headline figures, pictures, tables and the run's settings, written by
// WriteReport as one self-contained HTML file (pictures inlined as data: URLs, styles inline, no
// script, and a content security policy that forbids loading anything from anywhere), so it can
// be mailed, archived or opened offline.
type Report struct {
	Title    string
	Subtitle string
	Refresh  int  // > 0: the page reloads itself every Refresh seconds (while the run goes on)
	Summary  []KV // headline figures, shown as a small table at the top
	Figures  []Figure
	Tables   []Table
	Settings []KV // the run's configuration, at the end
	Footer   string
}

// KV is one labelled value.
type KV struct{ Key, Value string }

// Figure is one picture with a title and a caption; ID is its anchor in the page.
type Figure struct {
	ID, Title, Caption string
	PNG                []byte // PNG bytes (EncodePNG)
	Width, Height      int    // the picture's size in pixels, for the layout before it decodes
}

// Table is a titled table of text cells.
type Table struct {
	ID, Title string
	Head      []string
	Rows      [][]string
}

// NewFigure encodes img as a Figure.
func NewFigure(id, title, caption string, img image.Image) (Figure, error) {
	b, err := EncodePNG(img)
	if err != nil {
		return Figure{}, err
	}
	return Figure{ID: id, Title: title, Caption: caption, PNG: b, Width: img.Bounds().Dx(), Height: img.Bounds().Dy()}, nil
}

// EncodePNG returns img's PNG encoding.
func EncodePNG(img image.Image) ([]byte, error) {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, fmt.Errorf("viz: encoding PNG: %w", err)
	}
	return b.Bytes(), nil
}

// DataURL returns the figure's picture as a data: URL.
func (f Figure) DataURL() template.URL {
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(f.PNG))
}

var reportTemplate = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
{{if gt .Refresh 0}}<meta http-equiv="refresh" content="{{.Refresh}}">
{{end}}<title>{{.Title}}</title>
<style>
body { background: #181818; color: #dcdcdc; font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1400px; padding: 16px 24px; }
h1 { font-size: 22px; margin: 4px 0; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #444; padding-bottom: 4px; }
.sub { color: #a0a0a0; margin-bottom: 12px; }
nav a { color: #56b4e9; margin-right: 14px; text-decoration: none; }
figure { margin: 0 0 18px; } figcaption { color: #a0a0a0; margin-top: 4px; max-width: 900px; }
img { max-width: 100%; height: auto; image-rendering: pixelated; background: #181818; display: block; }
table { border-collapse: collapse; margin: 6px 0 14px; } td, th { border: 1px solid #3a3a3a; padding: 3px 8px; text-align: right; }
th { background: #262626; } td:first-child, th:first-child { text-align: left; }
table.kv td:first-child { color: #a0a0a0; } table.kv td { text-align: left; }
.foot { color: #808080; margin-top: 30px; font-size: 12px; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<div class="sub">{{.Subtitle}}</div>
{{if .Summary}}<table class="kv" id="summary">{{range .Summary}}<tr><td>{{.Key}}</td><td>{{.Value}}</td></tr>{{end}}</table>{{end}}
<nav>{{range .Figures}}<a href="#{{.ID}}">{{.Title}}</a>{{end}}{{range .Tables}}<a href="#{{.ID}}">{{.Title}}</a>{{end}}{{if .Settings}}<a href="#settings">settings</a>{{end}}</nav>
{{range .Figures}}<h2 id="{{.ID}}">{{.Title}}</h2>
<figure><img src="{{.DataURL}}" width="{{.Width}}" height="{{.Height}}" alt="{{.Title}}">{{if .Caption}}<figcaption>{{.Caption}}</figcaption>{{end}}</figure>
{{end}}{{range .Tables}}<h2 id="{{.ID}}">{{.Title}}</h2>
<table><tr>{{range .Head}}<th>{{.}}</th>{{end}}</tr>{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>{{end}}</table>
{{end}}{{if .Settings}}<h2 id="settings">settings</h2>
<table class="kv">{{range .Settings}}<tr><td>{{.Key}}</td><td>{{.Value}}</td></tr>{{end}}</table>
{{end}}<div class="foot">{{.Footer}}</div>
</body>
</html>
`))

// WriteReport writes r as HTML to path, through a temporary file renamed over it, so a browser
// reloading the page never reads half of it.
func WriteReport(path string, r Report) (err error) {
	var b bytes.Buffer
	if err := reportTemplate.Execute(&b, r); err != nil {
		return fmt.Errorf("viz: report %s: %w", path, err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("viz: report %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	if _, err = f.Write(b.Bytes()); err == nil {
		err = f.Close()
	} else {
		f.Close()
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		return fmt.Errorf("viz: report %s: %w", path, err)
	}
	return nil
}
