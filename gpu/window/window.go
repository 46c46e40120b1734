// Package window puts images on screen for the viewer: a GLFW window drawn through vgpu's swapchain
// and one textured quad. It is the only package that links GLFW and X11; only cmd/viewer imports it,
// so the headless commands need no display libraries.
package window

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"os"
	"runtime"
	"strings"

	"github.com/go-gl/glfw/v3.3/glfw"
	"github.com/goki/vgpu/vdraw"
	"github.com/goki/vgpu/vgpu"
	vk "github.com/goki/vulkan"
)

// glfw must be called from the main OS thread.
func init() { runtime.LockOSThread() }

// ErrNoDisplay is returned (wrapped) by InitDisplay and Open when no window can be opened.
var ErrNoDisplay = errors.New("no display")

// Options configures Open.
type Options struct {
	Title         string
	Width, Height int // initial size in pixels (default 1280×800)
	// Device names the physical device to draw on (a Device's Info.Name, so the window and the
	// compute work share one GPU); "" lets vgpu choose.
	Device string
	// Validation turns on the Khronos validation layer for the window's instance; its messages are
	// kept in Messages. Also on when $ALEXNET_VALIDATION=1.
	Validation bool
}

// EventKind says what an Event reports.
type EventKind int

// The kinds of window events.
const (
	KeyPress EventKind = iota // a key was pressed (or auto-repeated)
	Resize                    // the drawable area changed size
	Close                     // the user asked to close the window
)

// Event is one window event, queued during Poll. Key names letters and digits by themselves
// ("q", "s") and other keys by name: "space", "escape", "left", "right", "up", "down", "enter",
// "tab", "backspace", "pageup", "pagedown", "home", "end"; other keys are not reported.
type Event struct {
	Kind          EventKind
	Key           string
	Width, Height int // for Resize: the new framebuffer size
}

// Window is a desktop window that shows one RGBA image, drawn as a textured quad through vgpu's
// graphics pipeline (vdraw) and swapchain. It has its own Vulkan instance and device; call it from
// the main goroutine only (glfw requires the main OS thread, which this package locks in init).
// Open the compute gpu.Device first when both are wanted: the window is put on its physical device by name.
type Window struct {
	win      *glfw.Window
	gp       *vgpu.GPU
	surf     *vgpu.Surface
	drw      *vdraw.Drawer
	sink     *sink // collects the validation layer's messages for this window's instance
	texSize  image.Point
	events   []Event
	pendingW int
	pendingH int
	resized  bool
	closed   bool
}

var displayReady bool

// InitDisplay connects to the display (glfw.Init), or returns ErrNoDisplay wrapped with the reason
// there is none. Open calls it; calling it first fails fast, before slower work.
func InitDisplay() (err error) {
	if displayReady {
		return nil
	}
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return fmt.Errorf("%w: $DISPLAY is not set", ErrNoDisplay)
	}
	// go-gl/glfw logs a platform error (e.g. "X11: Failed to open display") and returns nil, so a
	// failed init shows up as a panic of the first call that needs it; turn both into errors.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: cannot connect to display %q (is its X server running?)", ErrNoDisplay, os.Getenv("DISPLAY"))
		}
	}()
	if err := glfw.Init(); err != nil {
		return fmt.Errorf("%w: %v", ErrNoDisplay, err)
	}
	glfw.GetPrimaryMonitor() // panics (recovered above) when Init failed
	if !glfw.VulkanSupported() {
		glfw.Terminate()
		return fmt.Errorf("%w: glfw finds no Vulkan loader able to present to this display", ErrNoDisplay)
	}
	displayReady = true
	return nil
}

// Open opens a window on the display and prepares Vulkan to draw images into it.
func Open(opt Options) (w *Window, err error) {
	if opt.Width <= 0 || opt.Height <= 0 {
		opt.Width, opt.Height = 1280, 800
	}
	if os.Getenv("ALEXNET_VALIDATION") == "1" {
		opt.Validation = true
	}
	if err := InitDisplay(); err != nil {
		return nil, err
	}
	if err := vgpu.InitNoDisplay(); err != nil {
		return nil, errors.New("window: the Vulkan loader libvulkan.so.1 was not found (install it: `make setup`)")
	}
	w = &Window{}
	// vgpu and glfw report failures by panicking; turn them into errors and release what was made.
	defer func() {
		if r := recover(); r != nil {
			w.Close()
			w, err = nil, fmt.Errorf("window: cannot open a window: %v", r)
		}
	}()
	glfw.WindowHint(glfw.ClientAPI, glfw.NoAPI)
	glfw.WindowHint(glfw.Resizable, glfw.True)
	if w.win, err = glfw.CreateWindow(opt.Width, opt.Height, opt.Title, nil, nil); err != nil {
		return nil, fmt.Errorf("window: cannot create a window: %v", err)
	}
	if err := w.initVulkan(opt); err != nil {
		w.Close()
		return nil, err
	}
	w.win.SetKeyCallback(w.onKey)
	w.win.SetFramebufferSizeCallback(func(_ *glfw.Window, width, height int) {
		w.pendingW, w.pendingH, w.resized = width, height, true
	})
	w.win.SetCloseCallback(func(*glfw.Window) { w.events = append(w.events, Event{Kind: Close}) })
	return w, nil
}

// initVulkan creates the window's instance on the named physical device, its surface and the drawer.
func (w *Window) initVulkan(opt Options) error {
	gp := vgpu.NewGPU()
	gp.AddInstanceExt(w.win.GetRequiredInstanceExtensions()...)
	gp.AddInstanceExt("VK_KHR_portability_enumeration")
	if opt.Validation {
		layers, err := vgpu.ValidationLayers()
		if err != nil || vgpu.FindString("VK_LAYER_KHRONOS_validation", layers) < 0 {
			return errors.New("window: validation was requested but the Khronos validation layer is not installed (apt-get install vulkan-validationlayers, or `make setup`)")
		}
		gp.AddValidationLayer("VK_LAYER_KHRONOS_validation")
		gp.AddInstanceExt("VK_EXT_debug_report")
	}
	if opt.Device != "" && os.Getenv("MESA_VK_DEVICE_SELECT") == "" {
		// vgpu picks a device by a name substring from this variable; the compute device's name
		// puts the window on the same GPU.
		prev, had := os.LookupEnv("VK_DEVICE_SELECT")
		os.Setenv("VK_DEVICE_SELECT", opt.Device)
		defer func() {
			if had {
				os.Setenv("VK_DEVICE_SELECT", prev)
			} else {
				os.Unsetenv("VK_DEVICE_SELECT")
			}
		}()
	}
	if err := gp.Config(opt.Title); err != nil {
		if gp.Instance != nil {
			gp.Destroy()
		}
		return fmt.Errorf("window: %v", err)
	}
	w.gp = gp
	if err := wideGraphicsError(w.DeviceName(), os.Getenv); err != nil {
		return err
	}
	if opt.Validation {
		s, err := watch(gp.Instance)
		if err != nil {
			return err
		}
		w.sink = s
	}
	if name := w.DeviceName(); opt.Device != "" && !strings.Contains(name, opt.Device) {
		return fmt.Errorf("window: the window could not be put on device %q (vgpu chose %q)", opt.Device, name)
	}
	sp, err := w.win.CreateWindowSurface(gp.Instance, nil)
	if err != nil {
		return fmt.Errorf("window: cannot create a Vulkan surface for the window: %v", err)
	}
	w.surf = vgpu.NewSurface(gp, vk.SurfaceFromPointer(sp))
	w.surf.Format.SetMultisample(1) // one textured quad drawn 1:1 gains nothing from MSAA, and lavapipe pays 3× for it
	w.drw = &vdraw.Drawer{YIsDown: true}
	w.drw.ConfigSurface(w.surf, 1)
	// vgpu's samplers filter linearly, which blurs an image drawn 1:1 by a fraction of a texel;
	// the texture gets a nearest-neighbour sampler instead (vgpu keeps a sampler it finds set).
	var samp vk.Sampler
	ret := vk.CreateSampler(w.surf.Device.Device, &vk.SamplerCreateInfo{
		SType:        vk.StructureTypeSamplerCreateInfo,
		MagFilter:    vk.FilterNearest,
		MinFilter:    vk.FilterNearest,
		MipmapMode:   vk.SamplerMipmapModeNearest,
		AddressModeU: vk.SamplerAddressModeClampToEdge,
		AddressModeV: vk.SamplerAddressModeClampToEdge,
		AddressModeW: vk.SamplerAddressModeClampToEdge,
		BorderColor:  vk.BorderColorFloatOpaqueBlack,
	}, nil, &samp)
	if ret != vk.Success {
		return fmt.Errorf("window: cannot create a sampler (VkResult %d)", ret)
	}
	w.drw.GetImageVal(0).Texture.Sampler.VkSampler = samp
	return nil
}

// DeviceName returns the name of the physical device the window draws with.
func (w *Window) DeviceName() string {
	raw := w.gp.GPUProps.DeviceName[:]
	if i := bytes.IndexByte(raw, 0); i >= 0 {
		raw = raw[:i]
	}
	return string(raw)
}

var keyNames = map[glfw.Key]string{
	glfw.KeySpace: "space", glfw.KeyEscape: "escape", glfw.KeyLeft: "left", glfw.KeyRight: "right",
	glfw.KeyUp: "up", glfw.KeyDown: "down", glfw.KeyEnter: "enter", glfw.KeyTab: "tab",
	glfw.KeyBackspace: "backspace", glfw.KeyPageUp: "pageup", glfw.KeyPageDown: "pagedown",
	glfw.KeyHome: "home", glfw.KeyEnd: "end", glfw.KeySlash: "slash", // "?" with shift on most layouts: the viewer's help
}

func (w *Window) onKey(_ *glfw.Window, key glfw.Key, _ int, action glfw.Action, _ glfw.ModifierKey) {
	if action == glfw.Release {
		return
	}
	name, ok := keyNames[key]
	switch {
	case key >= glfw.KeyA && key <= glfw.KeyZ:
		name, ok = string(rune('a'+key-glfw.KeyA)), true
	case key >= glfw.Key0 && key <= glfw.Key9:
		name, ok = string(rune('0'+key-glfw.Key0)), true
	}
	if ok {
		w.events = append(w.events, Event{Kind: KeyPress, Key: name})
	}
}

// Poll processes pending window-system events without blocking and returns those queued since the
// last call (a burst of resizes is reported once, with the final size).
func (w *Window) Poll() []Event { return w.drain(0) }

// Wait is Poll that blocks for up to seconds until an event arrives (for idle loops that should not
// spin).
func (w *Window) Wait(seconds float64) []Event { return w.drain(seconds) }

func (w *Window) drain(seconds float64) []Event {
	if w.closed {
		return nil
	}
	if seconds > 0 {
		glfw.WaitEventsTimeout(seconds)
	} else {
		glfw.PollEvents()
	}
	if w.resized {
		w.resized = false
		w.events = append(w.events, Event{Kind: Resize, Width: w.pendingW, Height: w.pendingH})
	}
	ev := w.events
	w.events = nil
	return ev
}

// Size returns the drawable size in pixels: the size of image that Show maps one to one.
func (w *Window) Size() (width, height int) { return w.win.GetFramebufferSize() }

// Position returns the screen position of the window's top-left drawable pixel.
func (w *Window) Position() (x, y int) { return w.win.GetPos() }

// SetSize asks the window system for a new drawable size; a Resize event reports the outcome.
func (w *Window) SetSize(width, height int) { w.win.SetSize(width, height) }

// SetTitle changes the window's title.
func (w *Window) SetTitle(title string) { w.win.SetTitle(title) }

// Show draws img over the whole window (scaled when its size differs from Size) and presents it.
func (w *Window) Show(img *image.RGBA) (err error) {
	if w.closed || img.Rect.Empty() {
		return nil
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("window: drawing the window failed: %v", r)
		}
	}()
	if fw, fh := w.Size(); fw == 0 || fh == 0 {
		return nil // minimised: nothing to present to
	} else if fw != w.surf.Format.Size.X || fh != w.surf.Format.Size.Y {
		w.surf.ReConfigSwapchain()
	}
	if img.Rect.Size() != w.texSize {
		w.drw.SetGoImage(0, 0, img, vgpu.NoFlipY) // reallocates the texture for the new size
		w.texSize = img.Rect.Size()
	} else {
		tx := w.drw.GetImageVal(0)
		if err := tx.Texture.SetGoImage(img, 0, vgpu.NoFlipY); err != nil {
			return fmt.Errorf("window: %v", err)
		}
		tx.SetMod()
	}
	w.drw.SyncImages()
	w.drw.StartDraw(0)
	w.drw.Scale(0, 0, w.surf.Format.Bounds(), image.ZR, vdraw.Src, vgpu.NoFlipY)
	w.drw.EndDraw()
	return nil
}

// Messages returns the validation warnings and errors reported for the window's instance.
func (w *Window) Messages() []string {
	return w.sink.list()
}

// Close destroys the window and its Vulkan objects (safe to call twice).
func (w *Window) Close() {
	if w == nil || w.closed {
		return
	}
	w.closed = true
	if w.surf != nil {
		vk.DeviceWaitIdle(w.surf.Device.Device)
	}
	if w.drw != nil {
		w.drw.Destroy()
	}
	if w.surf != nil {
		w.surf.Destroy()
	}
	if w.sink != nil {
		w.sink.close(w.gp.Instance)
	}
	if w.gp != nil {
		w.gp.Destroy()
	}
	if w.win != nil {
		w.win.Destroy()
	}
	// The process has one window at a time: let glfw go, so a later OpenWindow starts afresh.
	glfw.Terminate()
	displayReady = false
}

// vectorWidthEnv is the variable by which lavapipe picks its SIMD width (see gpu.Options.VectorWidth).
const vectorWidthEnv = "LP_NATIVE_VECTOR_WIDTH"

// wideGraphicsError refuses a window drawn by lavapipe at 512-bit vectors: its graphics path crashes
// there (SIGBUS on the first frame, Mesa 25.0), while compute is fine and faster.
func wideGraphicsError(device string, getenv func(string) string) error {
	if strings.Contains(strings.ToLower(device), "llvmpipe") && getenv(vectorWidthEnv) == "512" {
		return fmt.Errorf("window: lavapipe crashes drawing windows at %s=512; use --vector-width native (or 256) in a process that opens a window", vectorWidthEnv)
	}
	return nil
}
