/* Loading CLBlast tuning parameters for one device (see README.md, "Tuning file"). */
#ifndef LSTMCORR_OCL_TUNING_H
#define LSTMCORR_OCL_TUNING_H

#include "ocl_api.h"

/* Apply the entries of $LSTMCORR_CLBLAST_TUNING that match device_name; LC_OK when unset. */
lc_status ocl_tuning_apply(cl_device_id device, const char *device_name);

#endif
