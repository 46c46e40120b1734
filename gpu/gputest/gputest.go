// Package gputest opens the Vulkan device that GPU tests share, with validation on, and fails any test
// during which the validation layer reported a warning or an error.
package gputest

import (
	"os"
	"sync"
	"testing"

	"github.com/alexnet-vk/alexnet/gpu"
)

var (
	once    sync.Once
	shared  *gpu.Device
	errOpen error
	atExit  []func()
)

// AtExit registers f to run before the shared device closes (to free kernels and buffers that live
// for the whole package run).
func AtExit(f func()) { atExit = append(atExit, f) }

// Required reports whether a missing device must fail tests (make test and CI set ALEXNET_REQUIRE_GPU=1;
// CI=true implies it) rather than skip them.
func Required() bool { return os.Getenv("ALEXNET_REQUIRE_GPU") == "1" || os.Getenv("CI") == "true" }

// Device returns the shared validated device, and checks at the end of t that no validation message
// appeared while t ran.
func Device(t testing.TB) *gpu.Device {
	t.Helper()
	once.Do(func() {
		shared, errOpen = gpu.Open(gpu.Options{Validation: true, Device: os.Getenv("ALEXNET_DEVICE"), AppName: "alexnet-test"})
	})
	if errOpen != nil {
		if Required() {
			t.Fatalf("a Vulkan device is required (ALEXNET_REQUIRE_GPU=1): %v", errOpen)
		}
		t.Skipf("no Vulkan device and none required (set ALEXNET_REQUIRE_GPU=1 to fail instead): %v", errOpen)
	}
	before := len(shared.Messages())
	t.Cleanup(func() {
		if msgs := shared.Messages(); len(msgs) > before {
			for _, m := range msgs[before:] {
				t.Errorf("validation: %s", m)
			}
		}
	})
	return shared
}

// Main runs the tests and closes the shared device.
func Main(m *testing.M) {
	code := m.Run()
	for i := len(atExit) - 1; i >= 0; i-- {
		atExit[i]()
	}
	if shared != nil {
		shared.Close()
	}
	os.Exit(code)
}
