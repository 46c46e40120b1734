package data

import (
	"fmt"
	"io"
	"strings"
	"sync"
)

// warnListMax is how many skipped files one warning names; the rest are only counted.
const warnListMax = 5

// skipList counts skipped files and keeps the first few reasons, to report them in one warning.
type skipList struct {
	mu    sync.Mutex
	n     int // skipped since the last flush
	total int // skipped in all
	first []string
	seen  map[string]bool // names already counted, so a file met again is not counted twice
}

// add records one skipped file (once per distinct name) with the reason it was skipped.
func (l *skipList) add(name, reason string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seen == nil {
		l.seen = map[string]bool{}
	}
	if l.seen[name] {
		return
	}
	l.seen[name] = true
	l.n++
	l.total++
	if len(l.first) < warnListMax {
		l.first = append(l.first, reason)
	}
}

// count returns how many distinct files were skipped.
func (l *skipList) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.total
}

// flush writes one warning for the files added since the last flush, if any, and starts anew.
func (l *skipList) flush(w io.Writer, what string) {
	l.mu.Lock()
	n, first := l.n, l.first
	l.n, l.first = 0, nil
	l.mu.Unlock()
	if n == 0 || w == nil {
		return
	}
	msg := fmt.Sprintf("data: warning: skipped %d %s:\n  %s", n, what, strings.Join(first, "\n  "))
	if n > len(first) {
		msg += fmt.Sprintf("\n  ... and %d more", n-len(first))
	}
	fmt.Fprintln(w, msg)
}
