/* SIMD kernels for AVX-512F: 16-wide vectors, 32 registers. Only called when the CPU has it. */
#pragma GCC target("avx512f,avx2,fma")
#include <immintrin.h>

#define W 16
#define V_MIN(a, b) _mm512_min_ps((a), (b))
#define V_MAX(a, b) _mm512_max_ps((a), (b))
#define KERNEL_TABLE cpu_kernels_avx512
#define KERNEL_ISA "avx512"
#define GEMM_MR 12
#define GEMM_NV 2
#define LSTM_MR 5
#define LSTM_BACK_MR 12
#include "cpu_simd_template.h"
