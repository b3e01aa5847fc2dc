/* The embedded kernel sources (headers generated from each kernels/<name>.cl) and the kernel names. */
#include "ocl_kernels.h"

#include "vector_columns.cl.h"
#include "lstm_forward.cl.h"
#include "lstm_backward.cl.h"
#include "gather.cl.h"
#include "matrix.cl.h"
#include "cosine.cl.h"
#include "loss.cl.h"
#include "optimizer.cl.h"

/* vector_columns.cl first: the LSTM kernels use its helpers. */
const char *const ocl_program_sources[] = {
    ocl_source_vector_columns, ocl_source_lstm_forward, ocl_source_lstm_backward,
    ocl_source_gather,         ocl_source_matrix,       ocl_source_cosine,
    ocl_source_loss,           ocl_source_optimizer,
};
const char *const ocl_program_source_names[] = {
    "vector_columns.cl", "lstm_forward.cl", "lstm_backward.cl", "gather.cl",
    "matrix.cl",         "cosine.cl",       "loss.cl",          "optimizer.cl",
};
const unsigned ocl_program_source_count =
    sizeof ocl_program_sources / sizeof ocl_program_sources[0];

const char *ocl_kernel_name(ocl_kernel_id kernel)
{
    static const char *const names[] = {
#define OCL_KERNEL_NAME(name) #name,
        OCL_KERNEL_LIST(OCL_KERNEL_NAME)
#undef OCL_KERNEL_NAME
    };
    return (unsigned)kernel < OCL_KERNEL_COUNT ? names[kernel] : "unknown kernel";
}
