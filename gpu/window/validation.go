package window

// #include <stdlib.h>
import "C"

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"unsafe"

	vk "github.com/goki/vulkan"
)

// goki/vulkan keeps the first Go debug callback it is given for the life of the process, so the callback
// is a package function; each window's sink registers it with its own key as user data.
var (
	sinkMu sync.Mutex
	sinks  = map[uintptr]*sink{}
)

// sink collects the validation messages of one window's Vulkan instance.
type sink struct {
	token    unsafe.Pointer // a byte of C memory whose address identifies this sink to the callback
	cb       vk.DebugReportCallback
	mu       sync.Mutex
	messages []string
}

func onValidation(flags vk.DebugReportFlags, _ vk.DebugReportObjectType, _ uint64, _ uint64,
	code int32, prefix string, msg string, user unsafe.Pointer) vk.Bool32 {
	sev := "WARNING"
	if flags&vk.DebugReportFlags(vk.DebugReportErrorBit) != 0 {
		sev = "ERROR"
	} else if flags&vk.DebugReportFlags(vk.DebugReportPerformanceWarningBit) != 0 {
		sev = "PERFORMANCE WARNING"
	}
	line := fmt.Sprintf("%s [%s] %d: %s", sev, prefix, code, strings.TrimSpace(msg))
	fmt.Fprintln(os.Stderr, "vulkan validation (window):", line)
	sinkMu.Lock()
	s := sinks[uintptr(user)]
	sinkMu.Unlock()
	if s != nil {
		s.mu.Lock()
		s.messages = append(s.messages, line)
		s.mu.Unlock()
	}
	return vk.Bool32(vk.False)
}

// watch registers the debug-report callback for warnings and errors on inst.
func watch(inst vk.Instance) (*sink, error) {
	s := &sink{token: C.malloc(1)}
	sinkMu.Lock()
	sinks[uintptr(s.token)] = s
	sinkMu.Unlock()
	ret := vk.CreateDebugReportCallback(inst, &vk.DebugReportCallbackCreateInfo{
		SType: vk.StructureTypeDebugReportCallbackCreateInfo,
		Flags: vk.DebugReportFlags(vk.DebugReportErrorBit | vk.DebugReportWarningBit |
			vk.DebugReportPerformanceWarningBit),
		PfnCallback: onValidation,
		// C memory, not a Go pointer: the layer keeps it and hands it back to onValidation.
		PUserData: s.token,
	}, nil, &s.cb)
	if ret != vk.Success {
		s.forget()
		return nil, fmt.Errorf("window: cannot register the validation callback (VkResult %d)", ret)
	}
	return s, nil
}

// close destroys the callback (before the instance) and forgets the sink.
func (s *sink) close(inst vk.Instance) {
	if s.cb != vk.NullDebugReportCallback {
		vk.DestroyDebugReportCallback(inst, s.cb, nil)
		s.cb = vk.NullDebugReportCallback
	}
	s.forget()
}

func (s *sink) forget() {
	if s.token == nil {
		return
	}
	sinkMu.Lock()
	delete(sinks, uintptr(s.token))
	sinkMu.Unlock()
	C.free(s.token)
	s.token = nil
}

// list returns the messages so far (none for a nil sink: validation off).
func (s *sink) list() []string {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.messages...)
}
