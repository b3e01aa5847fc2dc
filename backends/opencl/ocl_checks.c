/* Bounds checks of op arguments against buffer sizes (device code cannot report overruns). */
#include "ocl_internal.h"

lc_status ocl_check_range(const lc_buffer *buffer, const char *what, size_t offset,
                          size_t elements, size_t element_bytes)
{
    if (!buffer)
        return ocl_fail(LC_ERR_INVALID, "%s: buffer is NULL", what);
    if (elements == 0)
        return LC_OK;
    size_t end = offset + elements;
    if (end < offset || end > buffer->bytes / element_bytes)
        return ocl_fail(LC_ERR_INVALID,
                        "%s: elements [%zu, %zu) of %zu bytes exceed the buffer's %zu bytes", what,
                        offset, end, element_bytes, buffer->bytes);
    return LC_OK;
}

cl_mem ocl_mem_of(const lc_buffer *buffer)
{
    return buffer ? buffer->mem : NULL;
}
