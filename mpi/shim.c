// shim.c: dlopen of libmpi and thin calls through the resolved function pointers (see shim.h).
#include "shim.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

typedef int (*fn_init_thread)(int *, char ***, int, int *);
typedef int (*fn_void)(void);
typedef int (*fn_comm_int)(void *, int *);
typedef int (*fn_allreduce)(const void *, void *, int, void *, void *, void *);
typedef int (*fn_bcast)(void *, int, void *, int, void *);
typedef int (*fn_comm)(void *);
typedef int (*fn_abort)(void *, int);
typedef int (*fn_error_string)(int, char *, int *);

static struct {
	void *lib;
	fn_init_thread init_thread;
	fn_void finalize;
	fn_comm_int rank, size;
	fn_allreduce allreduce;
	fn_bcast bcast;
	fn_comm barrier;
	fn_abort abort;
	fn_error_string error_string;
	void *world, *t_float, *t_double, *t_int, *t_byte, *op_sum, *op_max;
} M;

#define MPI_IN_PLACE_ ((void *)1) // Open MPI's MPI_IN_PLACE
#define MPI_THREAD_FUNNELED_ 1    // Open MPI's enum value

static int resolve(void **dst, const char *name, char *err, int errlen) {
	*dst = dlsym(M.lib, name);
	if (!*dst) {
		snprintf(err, errlen, "symbol %s not found (not Open MPI's libmpi?)", name);
		return -1;
	}
	return 0;
}

int shim_open(const char *path, char *err, int errlen) {
	static const char *names[] = {"libmpi.so.40", "libmpi.so", NULL};
	if (M.lib) return 0;
	// RTLD_GLOBAL: Open MPI's plugins (mca_*.so), which it dlopens itself, resolve libmpi's symbols.
	if (path && path[0]) {
		M.lib = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
	} else {
		for (int i = 0; names[i] && !M.lib; i++) M.lib = dlopen(names[i], RTLD_NOW | RTLD_GLOBAL);
	}
	if (!M.lib) {
		const char *e = dlerror();
		snprintf(err, errlen, "%s", e ? e : "libmpi not found");
		return -1;
	}
	struct { void **dst; const char *name; } syms[] = {
		{(void **)&M.init_thread, "MPI_Init_thread"}, {(void **)&M.finalize, "MPI_Finalize"},
		{(void **)&M.rank, "MPI_Comm_rank"}, {(void **)&M.size, "MPI_Comm_size"},
		{(void **)&M.allreduce, "MPI_Allreduce"}, {(void **)&M.bcast, "MPI_Bcast"},
		{(void **)&M.barrier, "MPI_Barrier"}, {(void **)&M.abort, "MPI_Abort"},
		{(void **)&M.error_string, "MPI_Error_string"},
		{&M.world, "ompi_mpi_comm_world"}, {&M.t_float, "ompi_mpi_float"}, {&M.t_double, "ompi_mpi_double"},
		{&M.t_int, "ompi_mpi_int"}, {&M.t_byte, "ompi_mpi_byte"},
		{&M.op_sum, "ompi_mpi_op_sum"}, {&M.op_max, "ompi_mpi_op_max"},
	};
	for (size_t i = 0; i < sizeof syms / sizeof syms[0]; i++) {
		if (resolve(syms[i].dst, syms[i].name, err, errlen)) {
			dlclose(M.lib);
			M.lib = NULL;
			return -1;
		}
	}
	return 0;
}

int shim_init(void) {
	int provided = 0;
	return M.init_thread(NULL, NULL, MPI_THREAD_FUNNELED_, &provided);
}
int shim_finalize(void) { return M.finalize(); }
int shim_rank(int *rank) { return M.rank(M.world, rank); }
int shim_size(int *size) { return M.size(M.world, size); }
int shim_sum_float(void *buf, int count) { return M.allreduce(MPI_IN_PLACE_, buf, count, M.t_float, M.op_sum, M.world); }
int shim_sum_double(void *buf, int count) { return M.allreduce(MPI_IN_PLACE_, buf, count, M.t_double, M.op_sum, M.world); }
int shim_max_int(void *buf, int count) { return M.allreduce(MPI_IN_PLACE_, buf, count, M.t_int, M.op_max, M.world); }
int shim_bcast(void *buf, int bytes, int root) { return M.bcast(buf, bytes, M.t_byte, root, M.world); }
int shim_barrier(void) { return M.barrier(M.world); }
int shim_abort(int code) { return M.abort(M.world, code); }

void shim_error_string(int code, char *out, int outlen) {
	char buf[512]; // MPI_MAX_ERROR_STRING is 256 in Open MPI
	int len = 0;
	if (!M.lib || M.error_string(code, buf, &len) != 0) {
		snprintf(out, outlen, "MPI error %d", code);
		return;
	}
	snprintf(out, outlen, "%.*s", len, buf);
}
