/* Which op cases run here, and the bytes of LSTM reserve / workspace. Every op and form is
 * implemented, so supports() only refuses malformed parameters. */
#include "ocl_internal.h"
#include "ocl_lstm_plan.h"
#include "ocl_ops.h"

int ocl_supports(lc_device *device, lc_op op, const void *params)
{
    if (!device) {
        ocl_fail(LC_ERR_INVALID, "supports: NULL device");
        return 0;
    }
    if ((unsigned)op >= LC_OP_COUNT) {
        ocl_fail(LC_ERR_UNSUPPORTED, "supports: unknown op %d", (int)op);
        return 0;
    }
    if ((op == LC_OP_LSTM_FORWARD || op == LC_OP_LSTM_BACKWARD) &&
        ocl_lstm_check_params(params, 0) != LC_OK)
        return 0;
    return 1;
}

lc_status ocl_workspace_size(lc_device *device, lc_op op, const void *params, size_t *bytes)
{
    if (!device || !bytes)
        return ocl_fail(LC_ERR_INVALID, "workspace_size: NULL argument");
    *bytes = 0;
    if (op != LC_OP_LSTM_FORWARD && op != LC_OP_LSTM_BACKWARD)
        return LC_OK;
    const lc_lstm_params *p = params;
    OCL_TRY(ocl_lstm_check_params(p, 0));
    ocl_lstm_layout layout;
    ocl_lstm_layout_of(p, &layout);
    if (op == LC_OP_LSTM_FORWARD)
        *bytes = (p->training ? layout.reserve_floats : layout.inference_floats) * sizeof(float);
    else
        *bytes = p->total > 0 ? layout.workspace_floats * sizeof(float) : 0;
    return LC_OK;
}
