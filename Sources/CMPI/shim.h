// Open MPI, plus functions for its handles: MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM and friends are macros that take
// the address of library globals, which Swift cannot import.
#ifndef AUTOBW_CMPI_SHIM_H
#define AUTOBW_CMPI_SHIM_H
#include <mpi.h>

static inline MPI_Comm autobw_mpi_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype autobw_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype autobw_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Op autobw_mpi_sum(void) { return MPI_SUM; }
static inline MPI_Op autobw_mpi_max(void) { return MPI_MAX; }
static inline void *autobw_mpi_in_place(void) { return MPI_IN_PLACE; }
static inline MPI_Request autobw_mpi_request_null(void) { return MPI_REQUEST_NULL; }
static inline MPI_Status *autobw_mpi_statuses_ignore(void) { return MPI_STATUSES_IGNORE; }
#endif
