/* Test helper: run the lstmcorr program the build made, capturing its exit code and stderr. */
#define _POSIX_C_SOURCE 200809L
#include "support_cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROGRAM LSTMCORR_BIN_DIR "/lstmcorr"

int support_cli_available(const char *command)
{
    if (access(PROGRAM, X_OK) != 0) {
        printf("skipping: %s is not built\n", PROGRAM);
        return 0;
    }
    char args[256];
    snprintf(args, sizeof args, "%s --help", command);
    if (support_cli_run(args, NULL, 0) != 0) {
        printf("skipping: %s has no '%s' command yet\n", PROGRAM, command);
        return 0;
    }
    return 1;
}

int support_cli_run(const char *args, char *err, size_t err_len)
{
    char err_path[64];
    support_temp_path("stderr", err_path, sizeof err_path);
    size_t need = strlen(PROGRAM) + strlen(args) + strlen(err_path) + 32;
    char *command = malloc(need);
    if (!command)
        return -1;
    /* Redirections in args come last, so they win over the default stdout to /dev/null. */
    snprintf(command, need, "'%s' %s 2>'%s' >/dev/null", PROGRAM, args, err_path);
    if (strstr(args, ">"))
        snprintf(command, need, "'%s' %s 2>'%s'", PROGRAM, args, err_path);
    int status = system(command);
    free(command);
    if (err && err_len) {
        err[0] = '\0';
        FILE *f = fopen(err_path, "rb");
        if (f) {
            size_t n = fread(err, 1, err_len - 1, f);
            err[n] = '\0';
            fclose(f);
        }
    }
    unlink(err_path);
    if (status == -1 || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

void support_temp_path(const char *tag, char *path, size_t len)
{
    snprintf(path, len, "/tmp/lstmcorr_%s_XXXXXX", tag);
    int fd = mkstemp(path);
    if (fd >= 0)
        close(fd);
}

int support_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t n = strlen(text);
    int ok = fwrite(text, 1, n, f) == n;
    return fclose(f) == 0 && ok ? 0 : -1;
}

double support_json_number(const char *line, const char *key)
{
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    const char *p = strstr(line, pattern);
    return p ? strtod(p + strlen(pattern), NULL) : NAN;
}
