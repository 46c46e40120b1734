package main

import "strings"

// view holds the display toggles the keys switch.
type view struct {
	filterShared bool // conv1's filters on one scale rather than each on its own
	filterDelta  bool // the filters' change since initialisation rather than the filters
	actChannel   bool // activations on a scale per channel rather than one per layer
	panel        int  // the top-right panel: panelActs, panelConfusion or panelMistakes
	help         bool
}

const (
	panelActs = iota
	panelConfusion
	panelMistakes
	panels
)

// helpLines are the help overlay: every key the viewer answers.
var helpLines = []string{
	"keys",
	"",
	"space          pause / resume training",
	"l, right, down next layer's activations",
	"left, up       previous layer",
	"n              next probe image",
	"a              activations: one scale per layer / per channel",
	"f              filters: each on its own scale / one shared scale",
	"d              filters: raw / change since initialisation",
	"c              top right: activations / confusion matrix / mistakes",
	"s              screenshot PNG into the run directory",
	"h, ?           show / hide this help",
	"q, Esc         checkpoint and quit (closing the window too)",
}

// helpKeys lists the keys in the help for the usage text and the window title.
func helpKeys() string { return strings.Join(helpLines[2:], "\n      ") }

func (v *viewer) key(k string) {
	switch k {
	case "q", "escape":
		v.stop()
	case "space":
		v.paused = !v.paused
		if v.state == "training" || v.state == "paused" {
			v.state = map[bool]string{true: "paused", false: "training"}[v.paused]
		}
		v.setTitle()
		v.draw()
	case "l", "right", "down":
		v.layer++
		v.view.panel = panelActs
		v.draw()
	case "left", "up":
		v.layer--
		v.view.panel = panelActs
		v.draw()
	case "n":
		if v.src == nil {
			return
		}
		if err := v.src.NextProbe(); err != nil {
			v.fail(err)
			return
		}
		v.update(true)
	case "a":
		v.view.actChannel = !v.view.actChannel
		v.draw()
	case "f":
		v.view.filterShared = !v.view.filterShared
		v.draw()
	case "d":
		v.view.filterDelta = !v.view.filterDelta
		v.draw()
	case "c":
		v.view.panel = (v.view.panel + 1) % panels
		v.draw()
	case "h", "?", "slash":
		v.view.help = !v.view.help
		v.draw()
	case "s":
		v.screenshot()
	}
}
