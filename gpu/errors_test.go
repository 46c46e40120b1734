package gpu_test

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/alexnet-vk/alexnet/gpu"
	"github.com/alexnet-vk/alexnet/gpu/gputest"
	"github.com/alexnet-vk/alexnet/shaders"
)

func TestBufferTooLarge(t *testing.T) {
	d := gputest.Device(t)
	lim := d.Info.MaxMemoryAllocationSize
	if d.Info.MaxBufferSize > 0 && d.Info.MaxBufferSize < lim {
		lim = d.Info.MaxBufferSize
	}
	_, err := d.NewBuffer("fc6.w", lim+1, gpu.DeviceMemory)
	if err == nil || !strings.Contains(err.Error(), "fc6.w") || !strings.Contains(err.Error(), "exceeds") {
		t.Fatalf("err = %v, want one naming the buffer and the limit", err)
	}
	if _, err := d.NewBuffer("zero", 0, gpu.DeviceMemory); err == nil {
		t.Fatal("a zero-size buffer was accepted")
	}
}

// A kernel whose Go push struct disagrees with its shader is refused when the pipeline is created.
func TestKernelMismatch(t *testing.T) {
	d := gputest.Device(t)
	spv := shaders.SPIRV("test_axpb")
	if n, err := gpu.PushConstantSize(spv); err != nil || n != 8*2+4*3 {
		t.Fatalf("PushConstantSize = %d, %v; want 28", n, err)
	}
	_, err := d.NewKernel(gpu.KernelSpec{Name: "test_axpb", SPIRV: spv, Push: pushPC{}})
	if err == nil || !strings.Contains(err.Error(), "test_axpb") || !strings.Contains(err.Error(), "push constants") {
		t.Fatalf("a kernel described with the wrong push struct was accepted: %v", err)
	}
	if _, err := d.NewKernel(gpu.KernelSpec{Name: "junk", SPIRV: []byte("not spir-v at all....")}); err == nil || !strings.Contains(err.Error(), "not SPIR-V") {
		t.Fatalf("junk SPIR-V: err = %v", err)
	}
}

func TestDeviceSelection(t *testing.T) {
	gputest.Device(t) // fails or skips with the right message when there is no device
	infos, err := gpu.List()
	if err != nil || len(infos) == 0 {
		t.Fatalf("List = %v, %v", infos, err)
	}
	_, err = gpu.Open(gpu.Options{Device: "no-such-gpu-xyz"})
	if err == nil || !strings.Contains(err.Error(), "no-such-gpu-xyz") || !strings.Contains(err.Error(), infos[0].Name) {
		t.Fatalf("err = %v, want one naming the selector and the devices present", err)
	}
	_, err = gpu.Open(gpu.Options{Device: "99"})
	if err == nil || !strings.Contains(err.Error(), "99") {
		t.Fatalf("err = %v", err)
	}
	// By index and by name, the device opens.
	for _, sel := range []string{"0", infos[0].Name[:4]} {
		d, err := gpu.Open(gpu.Options{Device: sel})
		if err != nil {
			t.Fatalf("--device %q: %v", sel, err)
		}
		if d.Info.Name != infos[0].Name {
			t.Errorf("--device %q opened %q", sel, d.Info.Name)
		}
		d.Close()
	}
}

// The validation layer is really watching: an invalid command is reported and collected for its own
// device only.
func TestValidationCatchesErrors(t *testing.T) {
	shared := gputest.Device(t)
	d, err := gpu.Open(gpu.Options{Validation: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := gpu.ProvokeValidationError(d); err != nil {
		t.Fatal(err)
	}
	msgs := d.Messages()
	if len(msgs) == 0 {
		t.Fatal("an invalid barrier produced no validation message")
	}
	t.Logf("caught: %.160s", msgs[0])
	_ = shared // its own message list must stay empty: gputest checks that at cleanup
}

// TestHelperOpen is the child of TestNoDeviceError, TestNoLoaderError and TestNoLayerError: it opens a
// device (with validation when ALEXNET_GPU_HELPER_VALIDATE=1) and lists the devices, in a process whose
// environment lacks what Vulkan needs, and prints the errors.
func TestHelperOpen(t *testing.T) {
	if os.Getenv("ALEXNET_GPU_HELPER") != "1" {
		return
	}
	if name := os.Getenv("ALEXNET_GPU_HELPER_LOADER"); name != "" {
		gpu.SetLoaderName(name)
	}
	_, err := gpu.Open(gpu.Options{Validation: os.Getenv("ALEXNET_GPU_HELPER_VALIDATE") == "1"})
	fmt.Printf("open error: %v\n", err)
	_, err = gpu.List()
	fmt.Printf("list error: %v\n", err)
}

// helperOpen runs TestHelperOpen in a child process with env added and returns its output.
func helperOpen(t *testing.T, env ...string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperOpen$", "-test.v")
	cmd.Env = append(append(os.Environ(), "ALEXNET_GPU_HELPER=1", "ALEXNET_VALIDATION="), env...)
	out, err := cmd.CombinedOutput()
	if err != nil || strings.Contains(string(out), "panic") {
		t.Fatalf("child failed: %v\n%s", err, out)
	}
	return string(out)
}

// Without a Vulkan driver, Open and List return an error naming the cause and the fix; nothing panics.
func TestNoDeviceError(t *testing.T) {
	gputest.Device(t)
	out := helperOpen(t, "VK_ICD_FILENAMES=/nonexistent/icd.json", "VK_DRIVER_FILES=/nonexistent/icd.json")
	for _, want := range []string{"open error: gpu: no Vulkan device found", "list error: gpu: no Vulkan device found", "make setup"} {
		if !strings.Contains(out, want) {
			t.Errorf("child output lacks %q:\n%s", want, out)
		}
	}
}

// Without the Vulkan loader library, Open and List say which library is missing and how to install it.
func TestNoLoaderError(t *testing.T) {
	gputest.Device(t)
	out := helperOpen(t, "ALEXNET_GPU_HELPER_LOADER=libvulkan-absent.so.1")
	for _, want := range []string{"open error: gpu: the Vulkan loader libvulkan-absent.so.1 was not found", "list error: gpu: the Vulkan loader libvulkan-absent.so.1 was not found", "apt-get install libvulkan1"} {
		if !strings.Contains(out, want) {
			t.Errorf("child output lacks %q:\n%s", want, out)
		}
	}
}

// With validation asked for and no validation layer to be found, Open says which package to install;
// List, which never validates, still works.
func TestNoLayerError(t *testing.T) {
	gputest.Device(t)
	out := helperOpen(t, "ALEXNET_GPU_HELPER_VALIDATE=1", "VK_LAYER_PATH=/nonexistent", "VK_ADD_LAYER_PATH=")
	for _, want := range []string{"open error: gpu: validation was requested but the Khronos validation layer is not installed", "vulkan-validationlayers", "list error: <nil>"} {
		if !strings.Contains(out, want) {
			t.Errorf("child output lacks %q:\n%s", want, out)
		}
	}
}
