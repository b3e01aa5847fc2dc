/* lstmcorr bench: runs lstmcorr-bench, installed or built beside this program. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli_util.h"
#include "commands.h"

int lc_cmd_bench(int argc, char **argv)
{
    char path[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
    if (n <= 0)
        return lc_run_error("bench", "cannot find this program's folder");
    path[n] = '\0';
    char *slash = strrchr(path, '/');
    if (slash == NULL || (size_t)(slash - path) + sizeof "/lstmcorr-bench" > sizeof path)
        return lc_run_error("bench", "cannot find this program's folder");
    strcpy(slash, "/lstmcorr-bench");
    argv[0] = path;
    (void)argc;
    execv(path, argv);
    return lc_run_error("bench", "cannot run %s: %s", path, strerror(errno));
}
