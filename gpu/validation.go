package gpu

/*
#include <stdlib.h>
#include <stdint.h>
*/
import "C"

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"unsafe"
)

// The C core's debug messenger calls gpuValidationMessage with the token of the device whose instance
// reported; watchers maps tokens to devices.
var (
	watchMu  sync.Mutex
	watchers = map[uintptr]*Device{}
)

// gpuValidationMessage receives a validation-layer message (severity 2 error, 1 warning, 0 performance
// warning), prints it to stderr and keeps it in the device's Messages.
//
//export gpuValidationMessage
func gpuValidationMessage(token unsafe.Pointer, severity C.int, id *C.char, number C.int32_t, msg *C.char) {
	sev := [...]string{"PERFORMANCE WARNING", "WARNING", "ERROR"}[min(max(int(severity), 0), 2)]
	line := fmt.Sprintf("%s [%s] %d: %s", sev, C.GoString(id), int32(number), strings.TrimSpace(C.GoString(msg)))
	fmt.Fprintln(os.Stderr, "vulkan validation:", line)
	watchMu.Lock()
	d := watchers[uintptr(token)]
	watchMu.Unlock()
	if d != nil {
		d.mu.Lock()
		d.messages = append(d.messages, line)
		d.mu.Unlock()
	}
}

// watchValidation gives the device a token for the messenger to report with.
func (d *Device) watchValidation() {
	d.token = C.malloc(1)
	watchMu.Lock()
	watchers[uintptr(d.token)] = d
	watchMu.Unlock()
}

// unwatchValidation forgets the token (after the instance, and its messenger, are gone).
func (d *Device) unwatchValidation() {
	if d.token == nil {
		return
	}
	watchMu.Lock()
	delete(watchers, uintptr(d.token))
	watchMu.Unlock()
	C.free(d.token)
	d.token = nil
}

// Validating reports whether the validation layer watches this device.
func (d *Device) Validating() bool { return d.token != nil }

// Messages returns the validation warnings and errors reported so far.
func (d *Device) Messages() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.messages...)
}
