package main

import (
	"fmt"
	"image"
	"strconv"
	"strings"

	"github.com/alexnet-vk/alexnet/gpu/window"
)

// scriptEnv names the environment variable holding a script of window actions, for tests and demos:
// whitespace-separated tokens run in order, each a key ("s", "q", "n", "l", "space", "left",
// "right", "up", "down", "escape", "h", "?", "a", "f", "d", "c"), "close" (the window's close button), "resize:WxH" (ask the
// window system for a new size), or "steps:N" (let N training steps pass first; skipped when
// nothing trains). Example: "steps:5 s steps:5 s q".
const scriptEnv = "ALEXNET_VIEWER_SCRIPT"

var scriptKeys = map[string]bool{"s": true, "q": true, "n": true, "l": true, "space": true, "left": true,
	"right": true, "up": true, "down": true, "escape": true, "h": true, "?": true, "a": true, "f": true, "d": true, "c": true}

// action is one script token.
type action struct {
	key    string      // a key press, or "close"
	steps  int         // > 0: wait for this many training steps
	resize image.Point // non-zero: resize the window
}

// script feeds its actions to the viewer as window events; a nil script does nothing.
type script struct {
	acts    []action
	wait    int  // training steps still to pass before the next action
	noSteps bool // nothing trains: "steps:N" tokens are skipped
}

func parseScript(s string) (*script, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	sc := &script{}
	for _, tok := range strings.Fields(s) {
		var a action
		switch {
		case scriptKeys[tok] || tok == "close":
			a.key = tok
		case strings.HasPrefix(tok, "steps:"):
			n, err := strconv.Atoi(strings.TrimPrefix(tok, "steps:"))
			if err != nil || n < 1 {
				return nil, fmt.Errorf("$%s: %q: want steps:N with N ≥ 1", scriptEnv, tok)
			}
			a.steps = n
		case strings.HasPrefix(tok, "resize:"):
			var w, h int
			if _, err := fmt.Sscanf(strings.TrimPrefix(tok, "resize:"), "%dx%d", &w, &h); err != nil || w < 1 || h < 1 {
				return nil, fmt.Errorf("$%s: %q: want resize:WIDTHxHEIGHT", scriptEnv, tok)
			}
			a.resize = image.Pt(w, h)
		default:
			return nil, fmt.Errorf("$%s: unknown token %q (want a key: s q n l space left right up down escape h ? a f d c; close; resize:WxH; steps:N)", scriptEnv, tok)
		}
		sc.acts = append(sc.acts, a)
	}
	return sc, nil
}

// stepDone counts a training step.
func (s *script) stepDone() {
	if s == nil {
		return
	}
	if s.wait > 0 {
		s.wait--
	}
}

// stopTraining makes the remaining "steps:N" tokens no-ops: nothing trains any more.
func (s *script) stopTraining() {
	if s != nil {
		s.noSteps, s.wait = true, 0
	}
}

// events returns the actions due now as window events, up to the next "steps:N"; resizes are asked
// of the window directly, whose Resize event follows.
func (s *script) events(w *window.Window) []window.Event {
	if s == nil || s.wait > 0 {
		return nil
	}
	var evs []window.Event
	for len(s.acts) > 0 && s.wait == 0 {
		a := s.acts[0]
		s.acts = s.acts[1:]
		switch {
		case a.steps > 0:
			if !s.noSteps {
				s.wait = a.steps
			}
		case a.resize != image.Point{}:
			w.SetSize(a.resize.X, a.resize.Y)
		case a.key == "close":
			evs = append(evs, window.Event{Kind: window.Close})
		default:
			evs = append(evs, window.Event{Kind: window.KeyPress, Key: a.key})
		}
	}
	return evs
}
