package gpu

/*
#cgo CFLAGS: -O2 -Wall
#cgo LDFLAGS: -ldl
#include <stdlib.h>
#include "vkc.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"unsafe"
)

// Vulkan calls stay on the main OS thread, as the viewer's window (glfw) requires of its own.
func init() { runtime.LockOSThread() }

// Options selects and configures a device.
type Options struct {
	// Device picks the physical device: "" for the default (the discrete GPU with the most memory, else
	// the first device), a decimal index into List(), or a case-insensitive substring of its name.
	Device string
	// Validation turns on the Khronos validation layer (and synchronization validation); every warning
	// and error it reports is kept in Device.Messages. Also on when $ALEXNET_VALIDATION=1.
	Validation bool
	// AppName names the Vulkan instance.
	AppName string
	// VectorWidth is lavapipe's SIMD width: "auto" or "" (512 on AVX-512 CPUs unless
	// LP_NATIVE_VECTOR_WIDTH is set), "256", "512", or "native" (leave lavapipe's default). It takes
	// effect for the first device a process opens (the driver reads it when it loads).
	VectorWidth string
	// Kernels picks the product kernels' variant (layers/vk): "auto" or "" (the first the device can
	// run), or a variant's name to force it. $ALEXNET_KERNELS when empty.
	Kernels string
	// ConvAlgo picks the conv2d algorithm of the nets built on the device (train): "auto" (timed
	// per layer), "direct", "winograd" or "winograd4"; $ALEXNET_CONV_ALGO when empty, and direct when both are
	// (the commands' --conv-algo defaults to auto).
	ConvAlgo string
}

// Device is an open compute device: a Vulkan instance and a VkDevice with bufferDeviceAddress, both
// created by this package's C core (no window system involved). Not safe for concurrent use.
type Device struct {
	Info  Info
	inst  *C.vkc_instance
	d     *C.vkc_dev
	token unsafe.Pointer // C memory identifying this device to the validation callback; nil without validation

	mu       sync.Mutex
	messages []string

	allocated int64 // bytes in live buffers
	closed    bool

	// Kernels is Options.Kernels (else $ALEXNET_KERNELS), for the kernel library to honour.
	Kernels string
	// ConvAlgo is Options.ConvAlgo (else $ALEXNET_CONV_ALGO), for the nets built on the device.
	ConvAlgo string
}

// Info describes a physical device and the limits that matter for compute.
type Info struct {
	Index                   int
	Name, Driver, Type      string
	APIVersion              string
	MaxStorageBufferRange   int64 // the descriptor limit our kernels do not depend on (they use addresses)
	MaxMemoryAllocationSize int64
	MaxBufferSize           int64
	MaxPushConstantsSize    int
	MaxWorkgroupCount       [3]int
	MaxWorkgroupSize        [3]int
	MaxWorkgroupInvocations int
	MaxSharedMemory         int
	SubgroupSize            int
	SubgroupOps             uint32
	TimestampPeriodNs       float64 // 0 when the queue has no timestamps
	DeviceLocalBytes        int64
	BufferDeviceAddress     bool
	ShaderInt64             bool

	// What kernels that use subgroup operations depend on. SubgroupSize is gl_SubgroupSize in a
	// compute kernel below SPIR-V 1.6; Min/MaxSubgroupSize bound it at 1.6 and up (Vulkan 1.3; 0
	// before); FullSubgroups: pipelines can require full subgroups (computeFullSubgroups, enabled).
	SubgroupStages                   uint32 // VkShaderStageFlags with subgroup operations
	MinSubgroupSize, MaxSubgroupSize int
	MaxComputeWorkgroupSubgroups     int
	FullSubgroups                    bool
}

// IsCPU reports whether the device is a software rasteriser (lavapipe/llvmpipe, SwiftShader).
func (i Info) IsCPU() bool { return i.Type == "cpu" }

func (i Info) String() string {
	return fmt.Sprintf("%s (%s, %s, Vulkan %s)", i.Name, i.Type, strings.TrimSpace(i.Driver), i.APIVersion)
}

var deviceTypes = map[C.uint32_t]string{0: "other", 1: "integrated", 2: "discrete", 3: "virtual", 4: "cpu"}

func infoOf(pd C.VkPhysicalDevice, idx int) Info {
	var ci C.vkc_info
	C.vkc_query(pd, &ci)
	v := uint32(ci.api_version)
	in := Info{
		Index:                   idx,
		Name:                    C.GoString(&ci.name[0]),
		Driver:                  C.GoString(&ci.driver[0]),
		Type:                    deviceTypes[ci._type],
		APIVersion:              fmt.Sprintf("%d.%d.%d", v>>22, (v>>12)&0x3ff, v&0xfff),
		MaxStorageBufferRange:   int64(ci.max_storage_buffer_range),
		MaxMemoryAllocationSize: int64(ci.max_memory_allocation_size),
		MaxBufferSize:           int64(ci.max_buffer_size),
		MaxPushConstantsSize:    int(ci.max_push_constants_size),
		MaxWorkgroupCount:       [3]int{int(ci.max_workgroup_count[0]), int(ci.max_workgroup_count[1]), int(ci.max_workgroup_count[2])},
		MaxWorkgroupSize:        [3]int{int(ci.max_workgroup_size[0]), int(ci.max_workgroup_size[1]), int(ci.max_workgroup_size[2])},
		MaxWorkgroupInvocations: int(ci.max_workgroup_invocations),
		MaxSharedMemory:         int(ci.max_shared_memory),
		SubgroupSize:            int(ci.subgroup_size),
		SubgroupOps:             uint32(ci.subgroup_ops),
		TimestampPeriodNs:       timestampPeriod(ci),
		DeviceLocalBytes:        int64(ci.device_local_bytes),
		BufferDeviceAddress:     ci.has_bda != 0,
		ShaderInt64:             ci.has_int64 != 0,
	}
	in.SubgroupStages = uint32(ci.subgroup_stages)
	in.MinSubgroupSize, in.MaxSubgroupSize = int(ci.min_subgroup_size), int(ci.max_subgroup_size)
	in.MaxComputeWorkgroupSubgroups = int(ci.max_compute_workgroup_subgroups)
	in.FullSubgroups = ci.has_full_subgroups != 0
	return in
}

func timestampPeriod(ci C.vkc_info) float64 {
	if ci.has_timestamps == 0 {
		return 0
	}
	return float64(ci.timestamp_period)
}

// Open creates the instance, picks the physical device and creates the compute device.
func Open(opt Options) (dev *Device, err error) {
	if os.Getenv("ALEXNET_VALIDATION") == "1" {
		opt.Validation = true
	}
	if opt.AppName == "" {
		opt.AppName = "alexnet"
	}
	if opt.Kernels == "" {
		opt.Kernels = os.Getenv("ALEXNET_KERNELS")
	}
	if opt.ConvAlgo == "" {
		opt.ConvAlgo = os.Getenv("ALEXNET_CONV_ALGO")
	}
	dev = &Device{Kernels: opt.Kernels, ConvAlgo: opt.ConvAlgo}
	if opt.Validation {
		dev.watchValidation()
	}
	if dev.inst, err = newInstance(opt, dev.token); err != nil {
		dev.destroyInstance()
		return nil, err
	}
	pds, infos, err := enumerate(dev.inst)
	if err != nil {
		dev.destroyInstance()
		return nil, err
	}
	idx, err := pick(opt.Device, infos)
	if err != nil {
		dev.destroyInstance()
		return nil, err
	}
	dev.Info = infos[idx]
	if !dev.Info.BufferDeviceAddress {
		dev.destroyInstance()
		return nil, fmt.Errorf("gpu: device %q lacks the Vulkan 1.2 feature bufferDeviceAddress that every kernel here uses (update the driver; on Debian 12 install mesa-vulkan-drivers from bookworm-backports: `make setup`)", dev.Info.Name)
	}
	var errbuf [256]C.char
	dev.d = C.vkc_create_device(pds[idx], &errbuf[0], C.int(len(errbuf)))
	if dev.d == nil {
		dev.destroyInstance()
		return nil, fmt.Errorf("gpu: cannot create a compute device on %q: %s", dev.Info.Name, C.GoString(&errbuf[0]))
	}
	return dev, nil
}

// errNoDevice says what to install when Vulkan finds no device or driver.
var errNoDevice = errors.New("gpu: no Vulkan device found (without a GPU, install lavapipe: `make setup`, or apt-get install -t bookworm-backports mesa-vulkan-drivers)")

// loaderName is the Vulkan loader's library (a variable so that a test can make it missing).
var loaderName = "libvulkan.so.1"

// newInstance configures lavapipe and creates a Vulkan instance; with validation, the Khronos layer's
// messages go to the device that token identifies.
func newInstance(opt Options, token unsafe.Pointer) (*C.vkc_instance, error) {
	if err := configureLavapipe(opt.VectorWidth); err != nil {
		return nil, fmt.Errorf("gpu: %w", err)
	}
	if opt.Validation && os.Getenv("VK_LAYER_ENABLES") == "" {
		os.Setenv("VK_LAYER_ENABLES", "VK_VALIDATION_FEATURE_ENABLE_SYNCHRONIZATION_VALIDATION_EXT")
	}
	app, loader := C.CString(opt.AppName), C.CString(loaderName)
	defer C.free(unsafe.Pointer(app))
	defer C.free(unsafe.Pointer(loader))
	validation := C.int(0)
	if opt.Validation {
		validation = 1
	}
	var code C.int
	var errbuf [256]C.char
	inst := C.vkc_create_instance(loader, app, validation, token, &code, &errbuf[0], C.int(len(errbuf)))
	if inst != nil {
		return inst, nil
	}
	detail := C.GoString(&errbuf[0])
	switch code {
	case C.VKC_NO_LOADER:
		return nil, fmt.Errorf("gpu: the Vulkan loader %s was not found (%s); install it: `make setup`, or apt-get install libvulkan1 mesa-vulkan-drivers", loaderName, detail)
	case C.VKC_NO_LAYER:
		return nil, errors.New("gpu: validation was requested but the Khronos validation layer is not installed (apt-get install vulkan-validationlayers, or `make setup`)")
	case C.VK_ERROR_INCOMPATIBLE_DRIVER:
		return nil, errNoDevice
	case C.VK_ERROR_LAYER_NOT_PRESENT, C.VK_ERROR_EXTENSION_NOT_PRESENT:
		return nil, fmt.Errorf("gpu: Vulkan initialisation failed: %s (is vulkan-validationlayers installed and current? `make setup`)", detail)
	}
	return nil, fmt.Errorf("gpu: Vulkan initialisation failed: %s (is a Vulkan driver installed? `make setup`)", detail)
}

func enumerate(inst *C.vkc_instance) ([]C.VkPhysicalDevice, []Info, error) {
	var pds [16]C.VkPhysicalDevice
	var n C.uint32_t
	if rc := C.vkc_enumerate(C.vkc_instance_handle(inst), &pds[0], 16, &n); rc != 0 || n == 0 {
		return nil, nil, errNoDevice
	}
	infos := make([]Info, n)
	for i := range infos {
		infos[i] = infoOf(pds[i], i)
	}
	return pds[:n], infos, nil
}

// pick resolves a --device value against the enumerated devices.
func pick(sel string, infos []Info) (int, error) {
	if sel == "" {
		best, bestMem := 0, int64(-1)
		for i, in := range infos {
			if in.Type == "discrete" && in.DeviceLocalBytes > bestMem {
				best, bestMem = i, in.DeviceLocalBytes
			}
		}
		return best, nil
	}
	if i, err := strconv.Atoi(sel); err == nil {
		if i >= 0 && i < len(infos) {
			return i, nil
		}
		return 0, fmt.Errorf("gpu: --device %d: no such device index (have %s)", i, describe(infos))
	}
	for i, in := range infos {
		if strings.Contains(strings.ToLower(in.Name), strings.ToLower(sel)) {
			return i, nil
		}
	}
	return 0, fmt.Errorf("gpu: --device %q matches no device name (have %s)", sel, describe(infos))
}

func describe(infos []Info) string {
	var parts []string
	for _, in := range infos {
		parts = append(parts, fmt.Sprintf("%d: %s [%s]", in.Index, in.Name, in.Type))
	}
	return strings.Join(parts, "; ")
}

// List returns the Vulkan devices present, without creating a compute device.
func List() ([]Info, error) {
	inst, err := newInstance(Options{AppName: "alexnet-list"}, nil)
	if err != nil {
		return nil, err
	}
	defer C.vkc_destroy_instance(inst)
	_, infos, err := enumerate(inst)
	return infos, err
}

// Allocated returns the bytes held by live buffers of this device.
func (d *Device) Allocated() int64 { return d.allocated }

// Wait blocks until the device is idle.
func (d *Device) Wait() error {
	if rc := C.vkc_wait_idle(d.d); rc != 0 {
		return vkError("waiting for the device", rc)
	}
	return nil
}

// Close destroys the compute device and the instance. Buffers, kernels and sequences must be freed first.
func (d *Device) Close() {
	if d == nil || d.closed {
		return
	}
	d.closed = true
	C.vkc_destroy_device(d.d)
	d.d = nil
	d.destroyInstance()
}

// destroyInstance destroys the instance (and its validation messenger), then forgets the token.
func (d *Device) destroyInstance() {
	if d.inst != nil {
		C.vkc_destroy_instance(d.inst)
		d.inst = nil
	}
	d.unwatchValidation()
}

// vkError turns a VkResult into an error naming what was being done.
func vkError(what string, rc C.int) error {
	switch rc {
	case -1: // VK_ERROR_OUT_OF_HOST_MEMORY
		return fmt.Errorf("gpu: %s: out of host memory", what)
	case -2: // VK_ERROR_OUT_OF_DEVICE_MEMORY
		return fmt.Errorf("gpu: %s: out of device memory (use a smaller --batch or model)", what)
	case -4: // VK_ERROR_DEVICE_LOST
		return fmt.Errorf("gpu: %s: the device was lost (driver crash or a kernel ran too long)", what)
	case 2: // VK_TIMEOUT
		return fmt.Errorf("gpu: %s: timed out waiting for the device", what)
	}
	return fmt.Errorf("gpu: %s: VkResult %d", what, int(rc))
}
