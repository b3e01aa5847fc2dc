/* 2-D device arrays: a buffer with a dtype and a shape. */
#include <stdint.h>

#include "lstmcorr/engine.h"

static size_t dtype_size(lc_dtype dtype)
{
    return dtype == LC_I32 ? sizeof(int32_t) : sizeof(float);
}

size_t lc_tensor_bytes(const lc_tensor *t)
{
    return (size_t)t->rows * (size_t)t->cols * dtype_size(t->dtype);
}

lc_status lc_tensor_alloc(lc_dev *dev, lc_dtype dtype, int64_t rows, int64_t cols, lc_tensor *out)
{
    out->dev = dev;
    out->buf = NULL;
    out->dtype = dtype;
    out->rows = rows;
    out->cols = cols;
    if (rows < 0 || cols < 0 || (cols > 0 && rows > INT64_MAX / 4 / cols))
        return lc_fail(LC_ERR_INVALID, "bad tensor shape %lld x %lld", (long long)rows, (long long)cols);
    size_t bytes = lc_tensor_bytes(out);
    return lc_dev_check(dev, dev->api->buffer_alloc(dev->handle, bytes ? bytes : 1, &out->buf),
                        "buffer alloc");
}

void lc_tensor_free(lc_tensor *t)
{
    if (t && t->buf) {
        t->dev->api->buffer_free(t->dev->handle, t->buf);
        t->buf = NULL;
    }
}

lc_status lc_tensor_upload(lc_tensor *t, const void *host)
{
    size_t bytes = lc_tensor_bytes(t);
    if (bytes == 0)
        return LC_OK;
    return lc_dev_check(t->dev, t->dev->api->buffer_upload(t->dev->handle, t->buf, 0, host, bytes),
                        "upload");
}

lc_status lc_tensor_download(const lc_tensor *t, void *host)
{
    size_t bytes = lc_tensor_bytes(t);
    if (bytes == 0)
        return LC_OK;
    return lc_dev_check(t->dev, t->dev->api->buffer_download(t->dev->handle, t->buf, 0, host, bytes),
                        "download");
}

lc_status lc_tensor_zero(lc_tensor *t)
{
    size_t bytes = lc_tensor_bytes(t);
    if (bytes == 0)
        return LC_OK;
    return lc_dev_check(t->dev, t->dev->api->buffer_zero(t->dev->handle, t->buf, 0, bytes), "zero");
}
