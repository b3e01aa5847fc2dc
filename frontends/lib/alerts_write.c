/* Writing `incident,alert,cut` CSV, atomically when it goes to a file. */
#define _POSIX_C_SOURCE 200809L
#include "alerts.h"
#include "atomic_file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int needs_quotes(const char *text, size_t len)
{
    for (size_t k = 0; k < len; k++)
        if (text[k] == ',' || text[k] == '"' || text[k] == '\n' || text[k] == '\r')
            return 1;
    return 0;
}

static void write_field(FILE *stream, const char *text, size_t len)
{
    if (!needs_quotes(text, len)) {
        fwrite(text, 1, len, stream);
        return;
    }
    fputc('"', stream);
    for (size_t k = 0; k < len; k++) {
        if (text[k] == '"')
            fputc('"', stream);
        fputc(text[k], stream);
    }
    fputc('"', stream);
}

lc_status lc_alerts_write_csv(FILE *stream, const char *name, const lc_alert_set *set)
{
    fputs("incident,alert,cut\n", stream);
    for (size_t k = 0; k < set->count; k++) {
        const lc_alert *alert = &set->alerts[k];
        write_field(stream, alert->incident, strlen(alert->incident));
        fputc(',', stream);
        write_field(stream, alert->text, alert->text_len);
        if (alert->cut >= 0)
            fprintf(stream, ",%d\n", alert->cut);
        else
            fputs(",\n", stream);
    }
    if (fflush(stream) != 0 || ferror(stream))
        return lc_fail(LC_ERR_IO, "%s: write error: %s", name, strerror(errno));
    return LC_OK;
}

lc_status lc_alerts_write_csv_path(const char *path, const lc_alert_set *set)
{
    if (strcmp(path, "-") == 0)
        return lc_alerts_write_csv(stdout, "-", set);
    /* Build the file in memory, then replace the target atomically: never a partial file. */
    char *data = NULL;
    size_t size = 0;
    FILE *stream = open_memstream(&data, &size);
    if (!stream)
        return lc_fail(LC_ERR_NOMEM, "%s: cannot open an output buffer", path);
    lc_status status = lc_alerts_write_csv(stream, path, set);
    if (fclose(stream) != 0 && status == LC_OK)
        status = lc_fail(LC_ERR_NOMEM, "%s: out of memory building the output", path);
    if (status == LC_OK)
        status = lc_atomic_file_write(path, data, size);
    free(data);
    return status;
}
