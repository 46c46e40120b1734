package gpu

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"unsafe"

	vk "github.com/goki/vulkan"
)

// goki/vulkan keeps the first Go debug callback it is given for the life of the process, so the
// callback is a package function; each device registers it with its own token as user data.
var (
	watchMu  sync.Mutex
	watchers = map[uintptr]*Device{}
)

func onValidation(flags vk.DebugReportFlags, _ vk.DebugReportObjectType, _ uint64, _ uint64,
	code int32, prefix string, msg string, user unsafe.Pointer) vk.Bool32 {
	sev := "WARNING"
	if flags&vk.DebugReportFlags(vk.DebugReportErrorBit) != 0 {
		sev = "ERROR"
	} else if flags&vk.DebugReportFlags(vk.DebugReportPerformanceWarningBit) != 0 {
		sev = "PERFORMANCE WARNING"
	}
	line := fmt.Sprintf("%s [%s] %d: %s", sev, prefix, code, strings.TrimSpace(msg))
	fmt.Fprintln(os.Stderr, "vulkan validation:", line)
	watchMu.Lock()
	d := watchers[uintptr(user)]
	watchMu.Unlock()
	if d != nil {
		d.mu.Lock()
		d.messages = append(d.messages, line)
		d.mu.Unlock()
	}
	return vk.Bool32(vk.False)
}

// watchValidation registers the debug-report callback for warnings and errors.
func (d *Device) watchValidation() error {
	d.token = newToken()
	watchMu.Lock()
	watchers[uintptr(d.token)] = d
	watchMu.Unlock()
	var cb vk.DebugReportCallback
	ret := vk.CreateDebugReportCallback(d.gp.Instance, &vk.DebugReportCallbackCreateInfo{
		SType: vk.StructureTypeDebugReportCallbackCreateInfo,
		Flags: vk.DebugReportFlags(vk.DebugReportErrorBit | vk.DebugReportWarningBit |
			vk.DebugReportPerformanceWarningBit),
		PfnCallback: onValidation,
		// C memory, not a Go pointer: the layer keeps it and hands it back to onValidation.
		PUserData: d.token,
	}, nil, &cb)
	if ret != vk.Success {
		return fmt.Errorf("gpu: cannot register the validation callback (VkResult %d)", ret)
	}
	d.cb = cb
	return nil
}

// Validating reports whether the validation layer watches this device.
func (d *Device) Validating() bool { return d.cb != vk.NullDebugReportCallback }

// Messages returns the validation warnings and errors reported so far.
func (d *Device) Messages() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.messages...)
}
