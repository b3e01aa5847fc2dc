/* The plugin's own structures: backend (device list), device (context, queue, program, kernels),
 * buffer. Shared by the ocl_*.c files; nothing here is part of the ABI. */
#ifndef LSTMCORR_OCL_INTERNAL_H
#define LSTMCORR_OCL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "lstmcorr/backend.h"
#include "ocl_api.h"
#include "ocl_errors.h"
#include "ocl_kernels.h"

/* Scratch slots: an op's own temporaries, and the partial tables of scatter-add (which ops call). */
typedef enum ocl_scratch_slot { OCL_SCRATCH_OP = 0, OCL_SCRATCH_SCATTER = 1, OCL_SCRATCH_SLOTS } ocl_scratch_slot;

typedef struct ocl_device_entry {
    cl_platform_id platform;
    cl_device_id id;
    lc_device_info info;
} ocl_device_entry;

struct lc_backend {
    int device_count;
    ocl_device_entry *devices;
    char unavailable[512]; /* "" when devices exist */
};

struct lc_buffer {
    cl_mem mem;
    size_t bytes;
};

struct lc_device {
    lc_backend *backend;
    int index;
    cl_device_id id;
    cl_context context;
    cl_command_queue queue;
    cl_program program;
    cl_kernel kernels[OCL_KERNEL_COUNT];
    size_t local_size[OCL_KERNEL_COUNT]; /* work-group size each kernel is launched with */
    /* Internal scratch for ops whose ABI has no workspace (scatter partials, pair gradients,
     * LSTM inference state). Grown on demand; in-order queue makes reuse safe. */
    cl_mem scratch[OCL_SCRATCH_SLOTS];
    size_t scratch_bytes[OCL_SCRATCH_SLOTS];
};

/* ---- device helpers (ocl_device.c) --------------------------------------------------------- */

/* The slot's scratch buffer, grown to at least `bytes`; valid until the slot's next use. */
lc_status ocl_scratch(lc_device *device, ocl_scratch_slot slot, size_t bytes, cl_mem *out);

/* Zero `bytes` bytes of mem from offset_bytes (enqueued). */
lc_status ocl_fill_zero(lc_device *device, cl_mem mem, size_t offset_bytes, size_t bytes);

/* ---- program (ocl_program.c) --------------------------------------------------------------- */

/* Build a program from `count` sources for one device. On a compile failure the message holds
 * the build status and the (truncated) build log. */
lc_status ocl_program_build(cl_context context, cl_device_id device, cl_uint count,
                            const char *const *sources, const char *options, cl_program *out);

/* ---- kernel launches (ocl_launch.c) -------------------------------------------------------- */

typedef struct ocl_launch {
    lc_device *device;
    ocl_kernel_id kernel;
    cl_uint next_arg;
    int cl_status;      /* first failing clSetKernelArg */
    cl_uint failed_arg;
} ocl_launch;

ocl_launch ocl_launch_begin(lc_device *device, ocl_kernel_id kernel);
void ocl_arg_mem(ocl_launch *launch, cl_mem mem); /* mem may be NULL (unused pointer) */
void ocl_arg_int(ocl_launch *launch, int32_t value);
void ocl_arg_long(ocl_launch *launch, int64_t value);
void ocl_arg_float(ocl_launch *launch, float value);
void ocl_arg_local(ocl_launch *launch, size_t bytes);
/* Enqueue over `items` work-items (rounded up to the kernel's work-group size; kernels guard). */
lc_status ocl_launch_run(ocl_launch *launch, size_t items);
/* Enqueue exactly one work-group of the kernel's work-group size. */
lc_status ocl_launch_run_group(ocl_launch *launch);
/* `groups` work-groups of `local` work-items (local <= the kernel's limit, checked by the caller). */
lc_status ocl_launch_run_groups(ocl_launch *launch, size_t groups, size_t local);

/* ---- checks (ocl_checks.c) ------------------------------------------------------------------ */

/* LC_ERR_INVALID unless `buffer` holds `elements` items of `element_bytes` from element
 * offset `offset`. `what` names the buffer in the message. */
lc_status ocl_check_range(const lc_buffer *buffer, const char *what, size_t offset,
                          size_t elements, size_t element_bytes);
/* The cl_mem of an optional buffer (NULL for NULL). */
cl_mem ocl_mem_of(const lc_buffer *buffer);

/* ---- ops used by other ops ------------------------------------------------------------------ */

/* table[index[r], :] += src[src_offset + r * width, :] for r < count, deterministic. */
lc_status ocl_scatter_add_rows(lc_device *device, cl_mem table, int32_t rows, int32_t width,
                               cl_mem index, size_t index_offset, cl_mem src, size_t src_offset,
                               int32_t count);
/* out[c] += sum_r m[offset + r * cols + c] (column sums of a rows x cols matrix). */
lc_status ocl_add_column_sums(lc_device *device, cl_mem m, size_t offset, int32_t rows,
                              int32_t cols, cl_mem out);
/* C = alpha op(A) op(B) + beta C through CLBlast, row-major, with error names. */
lc_status ocl_sgemm(lc_device *device, int trans_a, int trans_b, size_t m, size_t n, size_t k,
                    float alpha, cl_mem a, size_t a_offset, size_t lda, cl_mem b, size_t b_offset,
                    size_t ldb, float beta, cl_mem c, size_t c_offset, size_t ldc);

#endif
