#define _POSIX_C_SOURCE 200809L

#include "atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lstmcorr/engine.h"

static lc_status write_all(int fd, const unsigned char *data, size_t bytes)
{
    while (bytes > 0) {
        ssize_t written = write(fd, data, bytes);
        if (written < 0) {
            if (errno == EINTR)
                continue;
            return LC_ERR_IO;
        }
        data += written;
        bytes -= (size_t)written;
    }
    return LC_OK;
}

/* The rename is durable only once the folder's entry is on disk too. Failure here is not fatal:
 * the new file is already complete and in place. */
static void sync_parent_folder(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *folder = NULL;
    if (slash == NULL) {
        folder = strdup(".");
    } else if (slash == path) {
        folder = strdup("/");
    } else {
        folder = malloc((size_t)(slash - path) + 1);
        if (folder != NULL) {
            memcpy(folder, path, (size_t)(slash - path));
            folder[slash - path] = '\0';
        }
    }
    if (folder == NULL)
        return;
    int fd = open(folder, O_RDONLY);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(folder);
}

lc_status lc_atomic_file_write(const char *path, const void *data, size_t bytes)
{
    if (path == NULL || (data == NULL && bytes > 0))
        return lc_fail(LC_ERR_INVALID, "atomic file write: NULL path or data");
    /* A device or pipe (/dev/null, /dev/stdout, a FIFO) is written in place: renaming a file over
     * it would replace the device node itself. */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        int out = open(path, O_WRONLY);
        if (out < 0)
            return lc_fail(LC_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
        lc_status status = write_all(out, data, bytes);
        if (close(out) != 0 || status != LC_OK)
            return lc_fail(LC_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
        return LC_OK;
    }
    size_t temp_len = strlen(path) + 32;
    char *temp_path = malloc(temp_len);
    if (temp_path == NULL)
        return lc_fail(LC_ERR_NOMEM, "atomic file write: out of memory");
    snprintf(temp_path, temp_len, "%s.tmp.%ld", path, (long)getpid());

    int fd = open(temp_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        lc_status status = lc_fail(LC_ERR_IO, "cannot create '%s': %s", temp_path, strerror(errno));
        free(temp_path);
        return status;
    }
    const char *failed = NULL;
    if (write_all(fd, data, bytes) != LC_OK)
        failed = "write";
    else if (fsync(fd) != 0)
        failed = "fsync";
    int saved_errno = errno;
    if (close(fd) != 0 && failed == NULL) {
        failed = "close";
        saved_errno = errno;
    }
    if (failed == NULL && rename(temp_path, path) != 0) {
        failed = "rename";
        saved_errno = errno;
    }
    if (failed != NULL) {
        unlink(temp_path);
        lc_status status = lc_fail(LC_ERR_IO, "cannot write '%s' (%s of '%s' failed: %s)", path,
                                   failed, temp_path, strerror(saved_errno));
        free(temp_path);
        return status;
    }
    free(temp_path);
    sync_parent_folder(path);
    return LC_OK;
}
