/* The kernels of the plugin's one program (kernels/<name>.cl, embedded at build time). */
#ifndef LSTMCORR_OCL_KERNELS_H
#define LSTMCORR_OCL_KERNELS_H

#define OCL_KERNEL_LIST(X)   \
    X(lstm_forward_step)     \
    X(lstm_backward_step)    \
    X(outer_product_tiled)   \
    X(gather_rows)           \
    X(scatter_add_partial)   \
    X(sum_partials)          \
    X(add_column_sums)       \
    X(transpose)             \
    X(scale_matrix)          \
    X(distance_finish)       \
    X(l2_normalize)          \
    X(cosine_pairs)          \
    X(cosine_pairs_grad)     \
    X(sigmoid_bce)           \
    X(sgd)                   \
    X(adam)

typedef enum ocl_kernel_id {
#define OCL_KERNEL_ENUM(name) OCL_KERNEL_##name,
    OCL_KERNEL_LIST(OCL_KERNEL_ENUM)
#undef OCL_KERNEL_ENUM
    OCL_KERNEL_COUNT
} ocl_kernel_id;

/* "lstm_forward_step" */
const char *ocl_kernel_name(ocl_kernel_id kernel);

/* The program's sources in build order, and their file names for messages. */
extern const char *const ocl_program_sources[];
extern const char *const ocl_program_source_names[];
extern const unsigned ocl_program_source_count;

/* The LSTM kernels' work-item: OCL_LSTM_ROWS sequences x OCL_LSTM_VW hidden units (a vector). */
#define OCL_LSTM_VW 16
#define OCL_LSTM_ROWS 4
#define OCL_STRINGIFY_(x) #x
#define OCL_STRINGIFY(x) OCL_STRINGIFY_(x)
#define OCL_PROGRAM_OPTIONS \
    "-cl-std=CL1.2 -DLC_VW=" OCL_STRINGIFY(OCL_LSTM_VW) " -DLC_RB=" OCL_STRINGIFY(OCL_LSTM_ROWS)

/* Work-items of one LSTM step kernel over `batch` active sequences. */
#define OCL_LSTM_ITEMS(hidden, batch)                                        \
    ((size_t)(((hidden) + OCL_LSTM_VW - 1) / OCL_LSTM_VW) *                  \
     (size_t)(((batch) + OCL_LSTM_ROWS - 1) / OCL_LSTM_ROWS))

#endif
