/* SIMD kernels for any x86-64: 4-wide SSE2 vectors (the baseline ISA). */
#include <immintrin.h>

#define W 4
#define V_MIN(a, b) _mm_min_ps((a), (b))
#define V_MAX(a, b) _mm_max_ps((a), (b))
#define KERNEL_TABLE cpu_kernels_generic
#define KERNEL_ISA "generic"
#define GEMM_MR 6
#define GEMM_NV 2
#define LSTM_MR 2
#define LSTM_BACK_MR 8
#include "cpu_simd_template.h"
