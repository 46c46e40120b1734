// shim.h: the few MPI calls the trainer needs, reached through dlopen so that nothing links against
// libmpi. The handles (communicator, datatypes, operations) are Open MPI's: the addresses of its
// predefined objects (ompi_mpi_comm_world, ompi_mpi_float, …), which is how Open MPI's mpi.h defines
// MPI_COMM_WORLD and friends. Open MPI 4 and 5 share this ABI (libmpi.so.40).
#ifndef MPI_SHIM_H
#define MPI_SHIM_H

#include <stdint.h>

// Opens libmpi (path, or the usual sonames when path is NULL/empty) and resolves every symbol.
// Returns 0, or -1 with a message in err.
int shim_open(const char *path, char *err, int errlen);

int shim_init(void);     // MPI_Init_thread(FUNNELED)
int shim_finalize(void); // MPI_Finalize
int shim_rank(int *rank);
int shim_size(int *size);
// In-place sums/maxima over MPI_COMM_WORLD; count elements of the type.
int shim_sum_float(void *buf, int count);
int shim_sum_double(void *buf, int count);
int shim_max_int(void *buf, int count);
int shim_bcast(void *buf, int bytes, int root);
int shim_barrier(void);
int shim_abort(int code);
// MPI's text for an error code.
void shim_error_string(int code, char *out, int outlen);

#endif
