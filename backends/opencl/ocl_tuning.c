/* CLBlast tuning parameters from the file named by LSTMCORR_CLBLAST_TUNING (format in README.md):
 *   [name substring]          following lines apply to devices whose name contains it ([*]: all)
 *   <kernel> <precision> NAME=VALUE ...    passed to CLBlastOverrideParameters
 * Lines before the first section apply to every device; '#' starts a comment. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocl_internal.h"
#include "ocl_tuning.h"

#define OCL_TUNING_MAX_PARAMETERS 32

static lc_status ocl_tuning_line(cl_device_id device, const char *path, int line_number,
                                 char *line)
{
    char *save = NULL;
    char *kernel = strtok_r(line, " \t", &save);
    char *precision_text = strtok_r(NULL, " \t", &save);
    if (!kernel || !precision_text)
        return ocl_fail(LC_ERR_FORMAT, "%s:%d: expected '<kernel> <precision> NAME=VALUE ...'",
                        path, line_number);
    char *end = NULL;
    long precision = strtol(precision_text, &end, 10);
    if (*end != '\0' || (precision != 16 && precision != 32 && precision != 64 &&
                         precision != 3232 && precision != 6464))
        return ocl_fail(LC_ERR_FORMAT, "%s:%d: precision '%s' is not 16, 32, 64, 3232 or 6464",
                        path, line_number, precision_text);

    const char *names[OCL_TUNING_MAX_PARAMETERS];
    size_t values[OCL_TUNING_MAX_PARAMETERS];
    size_t count = 0;
    for (char *token = strtok_r(NULL, " \t", &save); token; token = strtok_r(NULL, " \t", &save)) {
        char *equals = strchr(token, '=');
        if (!equals || equals == token || count == OCL_TUNING_MAX_PARAMETERS)
            return ocl_fail(LC_ERR_FORMAT, "%s:%d: '%s' is not NAME=VALUE (at most %d)", path,
                            line_number, token, OCL_TUNING_MAX_PARAMETERS);
        *equals = '\0';
        errno = 0;
        unsigned long long value = strtoull(equals + 1, &end, 10);
        if (errno || *end != '\0' || equals[1] == '\0')
            return ocl_fail(LC_ERR_FORMAT, "%s:%d: value of %s is not a number", path,
                            line_number, token);
        names[count] = token;
        values[count++] = (size_t)value;
    }
    CLBlastStatusCode status = ocl.CLBlastOverrideParameters(
        device, kernel, (CLBlastPrecision)precision, count, names, values);
    if (status != CLBlastSuccess)
        return ocl_fail(LC_ERR_FORMAT, "%s:%d: CLBlastOverrideParameters(%s, %ld): %s", path,
                        line_number, kernel, precision, ocl_clblast_status_name(status));
    return LC_OK;
}

lc_status ocl_tuning_apply(cl_device_id device, const char *device_name)
{
    const char *path = getenv("LSTMCORR_CLBLAST_TUNING");
    if (!path || !*path)
        return LC_OK;
    FILE *file = fopen(path, "r");
    if (!file)
        return ocl_fail(LC_ERR_IO, "LSTMCORR_CLBLAST_TUNING: cannot open %s: %s", path,
                        strerror(errno));
    char line[4096];
    int line_number = 0, applies = 1;
    lc_status status = LC_OK;
    while (status == LC_OK && fgets(line, sizeof line, file)) {
        line_number++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        line[strcspn(line, "\r\n")] = '\0';
        char *text = line + strspn(line, " \t");
        size_t length = strlen(text);
        while (length && (text[length - 1] == ' ' || text[length - 1] == '\t'))
            text[--length] = '\0';
        if (length == 0)
            continue;
        if (text[0] == '[') {
            if (text[length - 1] != ']') {
                status = ocl_fail(LC_ERR_FORMAT, "%s:%d: section header lacks ']'", path,
                                  line_number);
                break;
            }
            text[length - 1] = '\0';
            applies = strcmp(text + 1, "*") == 0 || strstr(device_name, text + 1) != NULL;
            continue;
        }
        if (applies)
            status = ocl_tuning_line(device, path, line_number, text);
    }
    fclose(file);
    return status;
}
