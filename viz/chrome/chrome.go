// Package chrome loads a page in a real headless Chromium for tests and screenshots, through the
// DevTools protocol over a pipe (--remote-debugging-pipe: JSON messages ending in a NUL byte on
// the browser's file descriptors 3 and 4), so no port is opened and no library is needed. It
// reports whether every picture of the page loaded and is not blank, every console error and
// exception, and every request for anything but an inline data: URL.
package chrome

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// Find returns the Chromium binary: /usr/lib/chromium/chromium (Debian's, without its wrapper
// script), else chromium, chromium-browser or google-chrome from $PATH.
func Find() (string, error) {
	if _, err := os.Stat("/usr/lib/chromium/chromium"); err == nil {
		return "/usr/lib/chromium/chromium", nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("chrome: no Chromium found (install Debian's chromium package: make setup)")
}

// Browser is a running headless Chromium.
type Browser struct {
	cmd     *exec.Cmd
	profile string
	w       *os.File // our end of its fd 3
	mu      sync.Mutex
	next    int
	waiting map[int]chan message
	events  []message
	evCh    chan struct{} // signalled on every event
	done    chan struct{} // closed when the browser's output ends
	stderr  strings.Builder
}

// message is one DevTools message: a command's reply (ID set) or an event (Method set).
type message struct {
	ID        int             `json:"id,omitempty"`
	Method    string          `json:"method,omitempty"`
	Params    json.RawMessage `json:"params,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	SessionID string          `json:"sessionId,omitempty"`
	Error     *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

// Flags are the command-line flags Start gives Chromium besides the pipe and the profile: headless,
// no sandbox (tests run as root), no GPU, and nothing that reaches the network by itself.
var Flags = []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
	"--disable-component-update", "--disable-sync", "--no-first-run", "--no-default-browser-check",
	"--disable-extensions", "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio"}

// Start launches bin with a fresh profile directory (removed by Close).
func Start(bin string) (*Browser, error) {
	profile, err := os.MkdirTemp("", "alexnet-chrome-*")
	if err != nil {
		return nil, err
	}
	toR, toW, err := os.Pipe() // we write commands, the browser reads them on fd 3
	if err != nil {
		return nil, err
	}
	fromR, fromW, err := os.Pipe() // the browser writes on fd 4, we read
	if err != nil {
		return nil, err
	}
	b := &Browser{profile: profile, w: toW, waiting: map[int]chan message{}, evCh: make(chan struct{}, 1), done: make(chan struct{})}
	args := append(append([]string{}, Flags...), "--user-data-dir="+profile, "--remote-debugging-pipe", "about:blank")
	b.cmd = exec.Command(bin, args...)
	b.cmd.ExtraFiles = []*os.File{toR, fromW}
	b.cmd.Stderr = &lockedWriter{b: &b.stderr, mu: &b.mu}
	if err := b.cmd.Start(); err != nil {
		os.RemoveAll(profile)
		return nil, fmt.Errorf("chrome: starting %s: %v", bin, err)
	}
	toR.Close()
	fromW.Close()
	go b.read(fromR)
	return b, nil
}

// lockedWriter collects the browser's stderr under the browser's lock.
type lockedWriter struct {
	b  *strings.Builder
	mu *sync.Mutex
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.b.Len() < 1<<16 {
		w.b.Write(p)
	}
	return len(p), nil
}

// read dispatches the browser's messages: replies to their callers, events to the list.
func (b *Browser) read(r *os.File) {
	defer close(b.done)
	defer r.Close()
	br := bufio.NewReaderSize(r, 1<<20)
	for {
		raw, err := br.ReadBytes(0)
		if err != nil {
			return
		}
		var m message
		if json.Unmarshal(raw[:len(raw)-1], &m) != nil {
			continue
		}
		b.mu.Lock()
		if m.ID != 0 {
			if ch := b.waiting[m.ID]; ch != nil {
				ch <- m
				delete(b.waiting, m.ID)
			}
		} else {
			b.events = append(b.events, m)
			select {
			case b.evCh <- struct{}{}:
			default:
			}
		}
		b.mu.Unlock()
	}
}

// call sends a command (to a page when session is set) and waits for its reply.
func (b *Browser) call(ctx context.Context, session, method string, params any, result any) error {
	b.mu.Lock()
	b.next++
	id := b.next
	ch := make(chan message, 1)
	b.waiting[id] = ch
	b.mu.Unlock()
	msg := map[string]any{"id": id, "method": method}
	if params != nil {
		msg["params"] = params
	}
	if session != "" {
		msg["sessionId"] = session
	}
	raw, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	if _, err := b.w.Write(append(raw, 0)); err != nil {
		return fmt.Errorf("chrome: %s: %v", method, err)
	}
	select {
	case m := <-ch:
		if m.Error != nil {
			return fmt.Errorf("chrome: %s: %s (code %d)", method, m.Error.Message, m.Error.Code)
		}
		if result != nil {
			return json.Unmarshal(m.Result, result)
		}
		return nil
	case <-b.done:
		return fmt.Errorf("chrome: %s: the browser exited; its output:\n%s", method, b.Stderr())
	case <-ctx.Done():
		return fmt.Errorf("chrome: %s: %v", method, ctx.Err())
	}
}

// waitEvent waits for an event named method (of the session) at index ≥ from of the event list.
func (b *Browser) waitEvent(ctx context.Context, session, method string, from int) error {
	for {
		b.mu.Lock()
		for _, e := range b.events[from:] {
			if e.Method == method && e.SessionID == session {
				b.mu.Unlock()
				return nil
			}
		}
		b.mu.Unlock()
		select {
		case <-b.evCh:
		case <-b.done:
			return fmt.Errorf("chrome: waiting for %s: the browser exited", method)
		case <-ctx.Done():
			return fmt.Errorf("chrome: waiting for %s: %v", method, ctx.Err())
		}
	}
}

// Stderr returns what the browser wrote on its standard error.
func (b *Browser) Stderr() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.stderr.String()
}

// Close ends the browser and removes its profile.
func (b *Browser) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	b.call(ctx, "", "Browser.close", nil, nil)
	b.w.Close()
	exited := make(chan struct{})
	go func() { b.cmd.Wait(); close(exited) }()
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		b.cmd.Process.Kill()
		<-exited
	}
	os.RemoveAll(b.profile)
}

// Picture is what the page's check found of one <img>.
type Picture struct {
	Alt      string `json:"alt"`
	Src      string `json:"src"` // its first 40 characters
	Complete bool   `json:"complete"`
	Width    int    `json:"width"` // natural size; 0 when it did not decode
	Height   int    `json:"height"`
	Colours  int    `json:"colours"` // distinct colours, counted up to 256; 1 is a blank picture
}

// Page is the outcome of loading a page.
type Page struct {
	Title      string
	Pictures   []Picture
	Problems   []string // console errors and warnings, uncaught exceptions, log errors
	Requests   []string // URLs requested that are not data: URLs (the page itself excepted)
	Screenshot []byte   // PNG of the whole page (up to 16384 pixels high)
}

// checkScript runs in the page after it loaded: it waits for every picture, draws each on a
// canvas and counts its distinct colours.
const checkScript = `(async () => {
  const out = [];
  for (const img of Array.from(document.images)) {
    if (!img.complete) await new Promise(r => { img.addEventListener('load', r); img.addEventListener('error', r); });
    const p = {alt: img.alt, src: (img.currentSrc || img.src).slice(0, 40), complete: img.complete,
               width: img.naturalWidth, height: img.naturalHeight, colours: 0};
    if (img.naturalWidth > 0) {
      const c = document.createElement('canvas');
      c.width = img.naturalWidth; c.height = img.naturalHeight;
      const g = c.getContext('2d');
      g.drawImage(img, 0, 0);
      const d = g.getImageData(0, 0, c.width, c.height).data;
      const seen = new Set();
      for (let i = 0; i < d.length && seen.size < 256; i += 4) seen.add(d[i] * 65536 + d[i+1] * 256 + d[i+2]);
      p.colours = seen.size;
    }
    out.push(p);
  }
  return {title: document.title, pictures: out, height: document.documentElement.scrollHeight};
})()`

// Load opens url in a new tab width pixels wide, waits for it to load, checks its pictures, and
// screenshots the whole page.
func (b *Browser) Load(ctx context.Context, url string, width int) (*Page, error) {
	var tgt struct {
		TargetID string `json:"targetId"`
	}
	if err := b.call(ctx, "", "Target.createTarget", map[string]any{"url": "about:blank"}, &tgt); err != nil {
		return nil, err
	}
	var att struct {
		SessionID string `json:"sessionId"`
	}
	if err := b.call(ctx, "", "Target.attachToTarget", map[string]any{"targetId": tgt.TargetID, "flatten": true}, &att); err != nil {
		return nil, err
	}
	s := att.SessionID
	for _, m := range []string{"Page.enable", "Runtime.enable", "Log.enable", "Network.enable"} {
		if err := b.call(ctx, s, m, nil, nil); err != nil {
			return nil, err
		}
	}
	if err := b.call(ctx, s, "Emulation.setDeviceMetricsOverride", map[string]any{"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": false}, nil); err != nil {
		return nil, err
	}
	b.mu.Lock()
	from := len(b.events)
	b.mu.Unlock()
	var nav struct {
		ErrorText string `json:"errorText"`
	}
	if err := b.call(ctx, s, "Page.navigate", map[string]any{"url": url}, &nav); err != nil {
		return nil, err
	}
	if nav.ErrorText != "" {
		return nil, fmt.Errorf("chrome: loading %s: %s", url, nav.ErrorText)
	}
	if err := b.waitEvent(ctx, s, "Page.loadEventFired", from); err != nil {
		return nil, err
	}
	var ev struct {
		Result struct {
			Value struct {
				Title    string    `json:"title"`
				Pictures []Picture `json:"pictures"`
				Height   int       `json:"height"`
			} `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text string `json:"text"`
		} `json:"exceptionDetails"`
	}
	if err := b.call(ctx, s, "Runtime.evaluate", map[string]any{"expression": checkScript, "awaitPromise": true, "returnByValue": true}, &ev); err != nil {
		return nil, err
	}
	if ev.ExceptionDetails != nil {
		return nil, fmt.Errorf("chrome: the page check failed: %s", ev.ExceptionDetails.Text)
	}
	p := &Page{Title: ev.Result.Value.Title, Pictures: ev.Result.Value.Pictures}
	h := min(max(ev.Result.Value.Height, 1), 16384)
	var shot struct {
		Data string `json:"data"`
	}
	if err := b.call(ctx, s, "Page.captureScreenshot", map[string]any{"format": "png", "captureBeyondViewport": true,
		"clip": map[string]any{"x": 0, "y": 0, "width": width, "height": h, "scale": 1}}, &shot); err != nil {
		return nil, err
	}
	var err error
	if p.Screenshot, err = base64.StdEncoding.DecodeString(shot.Data); err != nil {
		return nil, fmt.Errorf("chrome: screenshot: %v", err)
	}
	b.mu.Lock()
	evs := append([]message(nil), b.events[from:]...)
	b.mu.Unlock()
	p.Problems, p.Requests = problems(evs, s, url)
	return p, nil
}

// problems picks from a page's events the console errors and warnings, exceptions, log errors and
// requests for anything but data: URLs and the page itself.
func problems(evs []message, session, page string) (probs, reqs []string) {
	for _, e := range evs {
		if e.SessionID != session {
			continue
		}
		switch e.Method {
		case "Runtime.consoleAPICalled":
			var p struct {
				Type string `json:"type"`
				Args []struct {
					Value       any    `json:"value"`
					Description string `json:"description"`
				} `json:"args"`
			}
			if json.Unmarshal(e.Params, &p) == nil && (p.Type == "error" || p.Type == "warning" || p.Type == "assert") {
				var parts []string
				for _, a := range p.Args {
					parts = append(parts, fmt.Sprint(a.Value)+a.Description)
				}
				probs = append(probs, "console."+p.Type+": "+strings.Join(parts, " "))
			}
		case "Runtime.exceptionThrown":
			var p struct {
				Details struct {
					Text      string `json:"text"`
					Exception struct {
						Description string `json:"description"`
					} `json:"exception"`
				} `json:"exceptionDetails"`
			}
			json.Unmarshal(e.Params, &p)
			probs = append(probs, "exception: "+p.Details.Text+" "+p.Details.Exception.Description)
		case "Log.entryAdded":
			var p struct {
				Entry struct {
					Level, Source, Text, URL string
				} `json:"entry"`
			}
			if json.Unmarshal(e.Params, &p) == nil && (p.Entry.Level == "error" || p.Entry.Level == "warning") {
				probs = append(probs, fmt.Sprintf("log %s (%s): %s %s", p.Entry.Level, p.Entry.Source, p.Entry.Text, p.Entry.URL))
			}
		case "Network.requestWillBeSent":
			var p struct {
				Request struct {
					URL string `json:"url"`
				} `json:"request"`
			}
			if json.Unmarshal(e.Params, &p) == nil && !strings.HasPrefix(p.Request.URL, "data:") && p.Request.URL != page {
				reqs = append(reqs, p.Request.URL)
			}
		}
	}
	return probs, reqs
}
