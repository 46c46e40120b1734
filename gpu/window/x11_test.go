package window_test

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// startXvfb starts a private Xvfb server of w×h×24 and returns its display number; it is killed when
// t ends. A missing Xvfb fails the test: `make setup` installs it.
func startXvfb(t *testing.T, w, h int) int {
	t.Helper()
	bin, err := exec.LookPath("Xvfb")
	if err != nil {
		t.Fatalf("Xvfb is not installed (the window tests need it): run `make setup` (Debian package xvfb)")
	}
	r, wr, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	// -displayfd: the server picks a free display and writes its number to fd 3.
	cmd := exec.Command(bin, "-displayfd", "3", "-screen", "0", fmt.Sprintf("%dx%dx24", w, h), "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{wr}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting Xvfb: %v", err)
	}
	wr.Close()
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- s
		r.Close()
	}()
	select {
	case s := <-line:
		var n int
		if _, err := fmt.Sscan(strings.TrimSpace(s), &n); err != nil {
			t.Fatalf("Xvfb did not report its display (got %q)", s)
		}
		return n
	case <-time.After(30 * time.Second):
		t.Fatal("Xvfb did not start within 30 s")
	}
	return 0
}

// xconn is a minimal X11 protocol client: enough to read the screen (GetImage) and type keys
// (XTEST), so tests see what a person would see and press what a person would press.
type xconn struct {
	c          net.Conn
	root       uint32
	minKC      int
	maxKC      int
	xtest      byte // major opcode of the XTEST extension
	keysymToKC map[uint32]byte
}

func dialX(t *testing.T, display int) *xconn {
	t.Helper()
	c, err := net.Dial("unix", fmt.Sprintf("/tmp/.X11-unix/X%d", display))
	if err != nil {
		t.Fatalf("connecting to the X server :%d: %v", display, err)
	}
	t.Cleanup(func() { c.Close() })
	x := &xconn{c: c}
	if err := x.setup(); err != nil {
		t.Fatalf("X11 setup: %v", err)
	}
	return x
}

func (x *xconn) setup() error {
	req := []byte{'l', 0, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	if _, err := x.c.Write(req); err != nil {
		return err
	}
	head := make([]byte, 8)
	if _, err := io.ReadFull(x.c, head); err != nil {
		return err
	}
	body := make([]byte, 4*int(binary.LittleEndian.Uint16(head[6:])))
	if _, err := io.ReadFull(x.c, body); err != nil {
		return err
	}
	if head[0] != 1 {
		return fmt.Errorf("connection refused: %q", body)
	}
	vendorLen := int(binary.LittleEndian.Uint16(body[16:]))
	nFormats := int(body[21])
	x.minKC, x.maxKC = int(body[26]), int(body[27])
	screen := 32 + (vendorLen+3)/4*4 + 8*nFormats
	x.root = binary.LittleEndian.Uint32(body[screen:])
	return nil
}

// request sends one request and, when reply is true, returns the reply's bytes after its 32-byte header
// together with that header.
func (x *xconn) request(req []byte, reply bool) ([]byte, []byte, error) {
	binary.LittleEndian.PutUint16(req[2:], uint16(len(req)/4))
	if _, err := x.c.Write(req); err != nil {
		return nil, nil, err
	}
	if !reply {
		return nil, nil, nil
	}
	head := make([]byte, 32)
	x.c.SetReadDeadline(time.Now().Add(20 * time.Second))
	for {
		if _, err := io.ReadFull(x.c, head); err != nil {
			return nil, nil, err
		}
		if head[0] == 0 {
			return nil, nil, fmt.Errorf("X error code %d for request %d", head[1], req[0])
		}
		if head[0] == 1 {
			break
		}
		// An event sent to every client (MappingNotify, when XTEST's keyboard becomes the active one).
	}
	data := make([]byte, 4*int(binary.LittleEndian.Uint32(head[4:])))
	_, err := io.ReadFull(x.c, data)
	return head, data, err
}

// grab reads the screen rectangle r (GetImage, ZPixmap, 32 bits per pixel BGRX at depth 24).
func (x *xconn) grab(r image.Rectangle) (*image.RGBA, error) {
	req := make([]byte, 20)
	req[0], req[1] = 73, 2
	binary.LittleEndian.PutUint32(req[4:], x.root)
	binary.LittleEndian.PutUint16(req[8:], uint16(r.Min.X))
	binary.LittleEndian.PutUint16(req[10:], uint16(r.Min.Y))
	binary.LittleEndian.PutUint16(req[12:], uint16(r.Dx()))
	binary.LittleEndian.PutUint16(req[14:], uint16(r.Dy()))
	binary.LittleEndian.PutUint32(req[16:], 0xffffffff)
	head, data, err := x.request(req, true)
	if err != nil {
		return nil, err
	}
	if head[1] != 24 || len(data) < 4*r.Dx()*r.Dy() {
		return nil, fmt.Errorf("GetImage: depth %d, %d bytes for %v", head[1], len(data), r)
	}
	img := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	for i := 0; i < r.Dx()*r.Dy(); i++ {
		b, g, rd := data[4*i], data[4*i+1], data[4*i+2]
		img.Pix[4*i], img.Pix[4*i+1], img.Pix[4*i+2], img.Pix[4*i+3] = rd, g, b, 255
	}
	return img, nil
}

// initKeys finds the XTEST extension and the keycode of every keysym.
func (x *xconn) initKeys() error {
	name := "XTEST"
	req := make([]byte, 8+(len(name)+3)/4*4)
	req[0] = 98 // QueryExtension
	binary.LittleEndian.PutUint16(req[4:], uint16(len(name)))
	copy(req[8:], name)
	head, _, err := x.request(req, true)
	if err != nil {
		return err
	}
	if head[8] == 0 {
		return errors.New("the X server lacks the XTEST extension")
	}
	x.xtest = head[9]
	req = make([]byte, 8)
	req[0], req[4], req[5] = 101, byte(x.minKC), byte(x.maxKC-x.minKC+1) // GetKeyboardMapping
	head, data, err := x.request(req, true)
	if err != nil {
		return err
	}
	per := int(head[1])
	x.keysymToKC = map[uint32]byte{}
	for i := 0; i*per < len(data)/4; i++ {
		for j := 0; j < per; j++ {
			ks := binary.LittleEndian.Uint32(data[4*(i*per+j):])
			if _, seen := x.keysymToKC[ks]; !seen && ks != 0 {
				x.keysymToKC[ks] = byte(x.minKC + i)
			}
		}
	}
	return nil
}

// fake sends one XTEST FakeInput event (type 2 key press, 3 key release, 6 pointer motion).
func (x *xconn) fake(typ, detail byte, px, py int) error {
	req := make([]byte, 36)
	req[0], req[1], req[4], req[5] = x.xtest, 2, typ, detail
	binary.LittleEndian.PutUint32(req[12:], x.root)
	binary.LittleEndian.PutUint16(req[24:], uint16(px))
	binary.LittleEndian.PutUint16(req[26:], uint16(py))
	_, _, err := x.request(req, false)
	return err
}

// press types the key with the given keysym (a press and a release), after moving the pointer to
// (px, py) so that the window under it has the keyboard focus (Xvfb without a window manager
// gives the focus to the window under the pointer).
func (x *xconn) press(keysym uint32, px, py int) error {
	kc, ok := x.keysymToKC[keysym]
	if !ok {
		return fmt.Errorf("no keycode for keysym %#x", keysym)
	}
	if err := x.fake(6, 0, px, py); err != nil {
		return err
	}
	if err := x.fake(2, kc, 0, 0); err != nil {
		return err
	}
	return x.fake(3, kc, 0, 0)
}

// closeTopWindow asks the mapped top-level window (the only one on a bare Xvfb) to close, as a window
// manager's close button does: a WM_DELETE_WINDOW client message.
func (x *xconn) closeTopWindow() error {
	req := make([]byte, 8)
	req[0] = 15 // QueryTree
	binary.LittleEndian.PutUint32(req[4:], x.root)
	head, data, err := x.request(req, true)
	if err != nil {
		return err
	}
	var mapped []uint32 // glfw also makes an unmapped helper window
	for i := 0; i < int(binary.LittleEndian.Uint16(head[16:])); i++ {
		w := binary.LittleEndian.Uint32(data[4*i:])
		req := make([]byte, 8)
		req[0] = 3 // GetWindowAttributes
		binary.LittleEndian.PutUint32(req[4:], w)
		attr, _, err := x.request(req, true)
		if err != nil {
			return err
		}
		if attr[26] == 2 { // map state: viewable
			mapped = append(mapped, w)
		}
	}
	if len(mapped) != 1 {
		return fmt.Errorf("%d mapped top-level windows, want 1", len(mapped))
	}
	win := mapped[0]
	protocols, err := x.atom("WM_PROTOCOLS")
	if err != nil {
		return err
	}
	del, err := x.atom("WM_DELETE_WINDOW")
	if err != nil {
		return err
	}
	req = make([]byte, 44)
	req[0] = 25 // SendEvent, no propagation, empty event mask: delivered to the window's owner
	binary.LittleEndian.PutUint32(req[4:], win)
	ev := req[12:]
	ev[0], ev[1] = 33, 32 // ClientMessage, format 32
	binary.LittleEndian.PutUint32(ev[4:], win)
	binary.LittleEndian.PutUint32(ev[8:], protocols)
	binary.LittleEndian.PutUint32(ev[12:], del)
	_, _, err = x.request(req, false)
	return err
}

func (x *xconn) atom(name string) (uint32, error) {
	req := make([]byte, 8+(len(name)+3)/4*4)
	req[0] = 16 // InternAtom
	binary.LittleEndian.PutUint16(req[4:], uint16(len(name)))
	copy(req[8:], name)
	head, _, err := x.request(req, true)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(head[8:]), nil
}

// meanAbsDiff is the mean absolute difference of the RGB channels of two images of equal size.
func meanAbsDiff(a, b *image.RGBA) float64 {
	var sum int
	for y := 0; y < a.Rect.Dy(); y++ {
		for x := 0; x < a.Rect.Dx(); x++ {
			ca, cb := a.RGBAAt(a.Rect.Min.X+x, a.Rect.Min.Y+y), b.RGBAAt(b.Rect.Min.X+x, b.Rect.Min.Y+y)
			sum += absDiff(ca.R, cb.R) + absDiff(ca.G, cb.G) + absDiff(ca.B, cb.B)
		}
	}
	return float64(sum) / float64(3*a.Rect.Dx()*a.Rect.Dy())
}

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}
