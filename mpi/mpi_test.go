package mpi

import (
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestMain doubles as a 2-rank MPI program when mpirun starts the test binary with ALEXNET_MPI_CHILD.
func TestMain(m *testing.M) {
	if os.Getenv("ALEXNET_MPI_CHILD") == "1" {
		if err := child(); err != nil {
			fmt.Fprintln(os.Stderr, "mpi child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// child checks every collective across the ranks, with calls cut into pieces of 3 elements.
func child() error {
	if !Launched() {
		return fmt.Errorf("not launched under mpirun")
	}
	maxCount = 3
	c, err := Init()
	if err != nil {
		return err
	}
	defer c.Finalize()
	r, n := c.Rank(), c.Size()
	f := []float32{1, 2, 3, 4, float32(r)}
	if err := c.SumF32(f); err != nil {
		return err
	}
	d := []float64{0.5, float64(r) * 1e-9}
	if err := c.SumF64(d); err != nil {
		return err
	}
	m := []int32{int32(r), -int32(r), 7}
	if err := c.MaxI32(m); err != nil {
		return err
	}
	b := []byte("........")
	if r == 1 {
		copy(b, "from one")
	}
	if err := c.Bcast(b, 1); err != nil {
		return err
	}
	if err := c.Barrier(); err != nil {
		return err
	}
	tri := float32(n * (n - 1) / 2)
	switch {
	case n != 2 || c.LocalRank() != r:
		return fmt.Errorf("rank %d of %d, local rank %d: want 2 ranks on one machine", r, n, c.LocalRank())
	case f[0] != 2 || f[3] != 8 || f[4] != tri:
		return fmt.Errorf("rank %d: float sums %v", r, f)
	case d[0] != 1 || d[1] != 1e-9:
		return fmt.Errorf("rank %d: double sums %v", r, d)
	case m[0] != 1 || m[1] != 0 || m[2] != 7:
		return fmt.Errorf("rank %d: maxima %v", r, m)
	case string(b) != "from one":
		return fmt.Errorf("rank %d: broadcast %q", r, b)
	}
	fmt.Printf("rank %d ok\n", r)
	return nil
}

// Two ranks under mpirun sum, take maxima, broadcast and meet at a barrier.
func TestTwoRanks(t *testing.T) {
	if _, err := exec.LookPath("mpirun"); err != nil {
		if os.Getenv("ALEXNET_REQUIRE_GPU") == "1" || os.Getenv("CI") == "true" {
			t.Fatalf("mpirun not found (make setup installs openmpi-bin): %v", err)
		}
		t.Skipf("mpirun not found: %v", err)
	}
	cmd := exec.Command("mpirun", "--allow-run-as-root", "--oversubscribe", "--bind-to", "none", "-np", "2",
		"-x", "ALEXNET_MPI_CHILD=1", os.Args[0], "-test.run=^$")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "rank 0 ok") || !strings.Contains(string(out), "rank 1 ok") {
		t.Fatalf("mpirun: %v\n%s", err, out)
	}
}

func TestLaunched(t *testing.T) {
	for _, k := range []string{"OMPI_COMM_WORLD_SIZE", "PMIX_RANK"} {
		t.Setenv(k, "") // restored after the test
		os.Unsetenv(k)
	}
	if Launched() {
		t.Fatal("launched without a launcher's variables")
	}
	t.Setenv("PMIX_RANK", "0")
	if !Launched() {
		t.Fatal("PMIX_RANK set, but not launched")
	}
}

// A libmpi that cannot be loaded is an error saying what to install, not a crash.
func TestMissingLibrary(t *testing.T) {
	prev := Library
	Library = "/nonexistent/libmpi.so.40"
	defer func() { Library = prev }()
	_, err := Init()
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/libmpi.so.40") || !strings.Contains(err.Error(), "openmpi") {
		t.Fatalf("got %v, want an error naming the file and the package", err)
	}
}

// Nothing links against libmpi: a binary using this package starts on machines without Open MPI.
func TestNoLinkToLibmpi(t *testing.T) {
	f, err := elf.Open(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	libs, err := f.ImportedLibraries()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range libs {
		if strings.Contains(l, "mpi") {
			t.Fatalf("the test binary needs %s at load time (%v)", l, libs)
		}
	}
}
