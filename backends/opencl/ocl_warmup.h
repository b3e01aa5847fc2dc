/* Compile everything a timed path would otherwise compile on first use (see README.md). */
#ifndef LSTMCORR_OCL_WARMUP_H
#define LSTMCORR_OCL_WARMUP_H

#include "ocl_internal.h"

/* Run tiny CLBlast products (each transpose variant, direct and indirect kernels) and a tiny LSTM
 * forward + backward, so that CLBlast's and the driver's per-kernel compiles happen at
 * device_open. Skipped when LSTMCORR_OPENCL_NO_WARMUP is set to a non-empty value. */
lc_status ocl_warm_up(lc_device *device);

#endif
