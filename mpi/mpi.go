// Package mpi is the trainer's door to Open MPI: MPI_COMM_WORLD's rank and size, in-place sums and
// maxima (all-reduce), broadcast, barrier and abort. It loads libmpi with dlopen when Init is called,
// so binaries build and run on machines without Open MPI; only a process that mpirun started (see
// Launched) calls Init. The handles are Open MPI's (libmpi.so.40: Open MPI 4 and 5).
//
// MPI is initialised with MPI_THREAD_FUNNELED: every call must come from the goroutine that called
// Init, which must be locked to its OS thread (the main goroutine is: this package's init locks it).
package mpi

/*
#cgo CFLAGS: -O2 -Wall
#cgo LDFLAGS: -ldl
#include <stdlib.h>
#include "shim.h"
*/
import "C"

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"unsafe"
)

// The main goroutine stays on the main OS thread, the one that initialises MPI.
func init() { runtime.LockOSThread() }

// Launched reports whether this process was started by an MPI launcher: Open MPI's mpirun/mpiexec
// (OMPI_COMM_WORLD_SIZE) or a PMIx launcher such as srun --mpi=pmix (PMIX_RANK).
func Launched() bool {
	_, ompi := os.LookupEnv("OMPI_COMM_WORLD_SIZE")
	_, pmix := os.LookupEnv("PMIX_RANK")
	return ompi || pmix
}

// Comm is MPI_COMM_WORLD of an initialised MPI.
type Comm struct {
	rank, size, local int
	done              bool
}

// Library overrides the libmpi that Init opens ("" tries libmpi.so.40, then libmpi.so); it defaults
// to $ALEXNET_LIBMPI.
var Library = os.Getenv("ALEXNET_LIBMPI")

// maxCount bounds the elements of one MPI call (MPI counts are C ints); tests lower it.
var maxCount = 1 << 28

// Init opens libmpi and initialises MPI. Call it once, from the main goroutine.
func Init() (*Comm, error) {
	var errbuf [512]C.char
	var path *C.char
	if Library != "" {
		path = C.CString(Library)
		defer C.free(unsafe.Pointer(path))
	}
	if C.shim_open(path, &errbuf[0], C.int(len(errbuf))) != 0 {
		return nil, fmt.Errorf("mpi: cannot load Open MPI's libmpi: %s (install it: apt-get install openmpi-bin libopenmpi-dev, or `make setup`; or point $ALEXNET_LIBMPI at libmpi.so.40)", C.GoString(&errbuf[0]))
	}
	if rc := C.shim_init(); rc != 0 {
		return nil, mpiError("MPI_Init_thread", rc)
	}
	c := &Comm{}
	var r, s C.int
	if rc := C.shim_rank(&r); rc != 0 {
		return nil, mpiError("MPI_Comm_rank", rc)
	}
	if rc := C.shim_size(&s); rc != 0 {
		return nil, mpiError("MPI_Comm_size", rc)
	}
	c.rank, c.size, c.local = int(r), int(s), int(r)
	for _, k := range []string{"OMPI_COMM_WORLD_LOCAL_RANK", "MPI_LOCALRANKID", "SLURM_LOCALID"} {
		if v, err := strconv.Atoi(os.Getenv(k)); err == nil && v >= 0 {
			c.local = v
			break
		}
	}
	return c, nil
}

func mpiError(call string, rc C.int) error {
	var buf [512]C.char
	C.shim_error_string(rc, &buf[0], C.int(len(buf)))
	return fmt.Errorf("mpi: %s: %s", call, C.GoString(&buf[0]))
}

// Rank is this process's rank in MPI_COMM_WORLD.
func (c *Comm) Rank() int { return c.rank }

// Size is the number of processes in MPI_COMM_WORLD.
func (c *Comm) Size() int { return c.size }

// LocalRank is this process's rank among those on its machine (the launcher's
// OMPI_COMM_WORLD_LOCAL_RANK; the world rank when the launcher does not say).
func (c *Comm) LocalRank() int { return c.local }

// chunks calls f on pieces of at most maxCount elements of n elements of size bytes at p.
func chunks(p unsafe.Pointer, n, size int, call string, f func(unsafe.Pointer, C.int) C.int) error {
	for off := 0; off < n; off += maxCount {
		k := min(maxCount, n-off)
		if rc := f(unsafe.Add(p, off*size), C.int(k)); rc != 0 {
			return mpiError(call, rc)
		}
	}
	return nil
}

// SumF32 replaces v, on every rank, by the element-wise sum of every rank's v (MPI_Allreduce in
// place). Every rank must pass the same length. v may be Go memory or mapped device memory.
func (c *Comm) SumF32(v []float32) error {
	if len(v) == 0 {
		return nil
	}
	return chunks(unsafe.Pointer(&v[0]), len(v), 4, "MPI_Allreduce(MPI_FLOAT, MPI_SUM)", func(p unsafe.Pointer, n C.int) C.int {
		return C.shim_sum_float(p, n)
	})
}

// SumF64 is SumF32 for float64.
func (c *Comm) SumF64(v []float64) error {
	if len(v) == 0 {
		return nil
	}
	return chunks(unsafe.Pointer(&v[0]), len(v), 8, "MPI_Allreduce(MPI_DOUBLE, MPI_SUM)", func(p unsafe.Pointer, n C.int) C.int {
		return C.shim_sum_double(p, n)
	})
}

// MaxI32 replaces v, on every rank, by the element-wise maximum over the ranks.
func (c *Comm) MaxI32(v []int32) error {
	if len(v) == 0 {
		return nil
	}
	return chunks(unsafe.Pointer(&v[0]), len(v), 4, "MPI_Allreduce(MPI_INT, MPI_MAX)", func(p unsafe.Pointer, n C.int) C.int {
		return C.shim_max_int(p, n)
	})
}

// Bcast copies root's b into every rank's b (same length everywhere).
func (c *Comm) Bcast(b []byte, root int) error {
	if len(b) == 0 {
		return nil
	}
	return chunks(unsafe.Pointer(&b[0]), len(b), 1, "MPI_Bcast", func(p unsafe.Pointer, n C.int) C.int {
		return C.shim_bcast(p, n, C.int(root))
	})
}

// Barrier waits until every rank has called it.
func (c *Comm) Barrier() error {
	if rc := C.shim_barrier(); rc != 0 {
		return mpiError("MPI_Barrier", rc)
	}
	return nil
}

// Abort ends every rank of the job with code (MPI_Abort): the way out when one rank fails and the
// others would otherwise wait for it forever.
func (c *Comm) Abort(code int) { C.shim_abort(C.int(code)) }

// Finalize shuts MPI down; call it once, after the last collective.
func (c *Comm) Finalize() error {
	if c.done {
		return nil
	}
	c.done = true
	if rc := C.shim_finalize(); rc != 0 {
		return mpiError("MPI_Finalize", rc)
	}
	return nil
}
