// Package regfile opens input files that must be regular files. A FIFO, a character or block
// device, a socket or a directory given where a file is expected is refused by type, before it is
// opened (a FIFO without a writer blocks open forever; /dev/zero never ends), and again on the open
// file, so a path swapped between the check and the open is refused too. Reads are bounded.
package regfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrNotRegular marks a path that is not a regular file (see Open).
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge marks a file over the size limit its reader allows (see ReadFile).
var ErrTooLarge = errors.New("file too large")

// Describe names the kind of file a mode is, for messages: "a FIFO (named pipe)", "a character
// device", and so on.
func Describe(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "a regular file"
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO (named pipe)"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "not a regular file"
}

// Check returns nil when path is (or links to) a regular file, else an error wrapping
// ErrNotRegular (or the os error) that names path, what it is and what was expected (want, e.g.
// "a JPEG or PNG image").
func Check(path, want string) (fs.FileInfo, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, notRegular(path, fi.Mode(), want)
	}
	return fi, nil
}

func notRegular(path string, m fs.FileMode, want string) error {
	return &Error{fmt.Sprintf("%s: %s, not a regular file (expected %s)", path, Describe(m), want), ErrNotRegular}
}

// Error is a refusal of this package: its message names the file, what it is and what was
// expected; errors.Is matches it to ErrNotRegular or ErrTooLarge.
type Error struct {
	msg  string
	kind error
}

func (e *Error) Error() string        { return e.msg }
func (e *Error) Is(target error) bool { return target == e.kind }

// Open opens path for reading after checking it is a regular file, and checks the open file again:
// it is opened without blocking (O_NONBLOCK where the system has it), so a FIFO put in its place
// after the check cannot hang the open either. want says what was expected, for the error.
func Open(path, want string) (*os.File, fs.FileInfo, error) {
	if _, err := Check(path, want); err != nil {
		return nil, nil, err
	}
	return openChecked(path, want)
}

// openChecked opens path without blocking and refuses it unless the open file is a regular file.
func openChecked(path, want string) (*os.File, fs.FileInfo, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, notRegular(path, fi.Mode(), want)
	}
	return f, fi, nil
}

// ReadFile reads a regular file of at most limit bytes whole. A larger file (or one that grows
// past limit while it is read) is an error wrapping ErrTooLarge that names the file and the limit.
func ReadFile(path string, limit int64, want string) ([]byte, error) {
	f, fi, err := Open(path, want)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi.Size() > limit {
		return nil, tooLarge(path, fi.Size(), limit, want)
	}
	b := make([]byte, 0, fi.Size()+1)
	for {
		n, err := f.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if int64(len(b)) > limit {
			return nil, tooLarge(path, int64(len(b)), limit, want)
		}
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // grow: the file is longer than it said
		}
	}
}

func tooLarge(path string, size, limit int64, want string) error {
	return &Error{fmt.Sprintf("%s: %d bytes or more, over the %d-byte limit for %s", path, size, limit, want), ErrTooLarge}
}
