/* SIMD kernels for AVX2 + FMA: 8-wide vectors, 16 registers. Only called when the CPU has both. */
#pragma GCC target("avx2,fma")
#include <immintrin.h>

#define W 8
#define V_MIN(a, b) _mm256_min_ps((a), (b))
#define V_MAX(a, b) _mm256_max_ps((a), (b))
#define KERNEL_TABLE cpu_kernels_avx2
#define KERNEL_ISA "avx2"
#define GEMM_MR 6
#define GEMM_NV 2
#define LSTM_MR 2
#define LSTM_BACK_MR 8
#include "cpu_simd_template.h"
