package window_test

import (
	"os"
	"testing"

	"github.com/alexnet-vk/alexnet/gpu/gputest"
)

// These tests open windows next to a compute device in one process, and lavapipe's graphics path
// crashes at 512-bit vectors (see wideGraphicsError): they run at 256 bits whatever the test
// matrix leg asked for (the compute device follows, since the driver reads the width once).
func TestMain(m *testing.M) {
	os.Setenv("LP_NATIVE_VECTOR_WIDTH", "256")
	gputest.Main(m)
}
