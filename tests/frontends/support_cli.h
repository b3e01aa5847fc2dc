/* Running the built `lstmcorr` program from tests: exit code and captured standard error. */
#ifndef LSTMCORR_SUPPORT_CLI_H
#define LSTMCORR_SUPPORT_CLI_H

#include <stddef.h>

/* Nonzero when LSTMCORR_BIN_DIR/lstmcorr exists and knows `command` (its --help exits 0);
 * otherwise prints why and returns 0, so the caller can skip(). */
int support_cli_available(const char *command);

/* Run "lstmcorr ARGS" through the shell with stdout to /dev/null unless ARGS redirects it;
 * stderr goes to `err` (NUL-terminated, may be NULL). Returns the exit code, -1 if it did not run. */
int support_cli_run(const char *args, char *err, size_t err_len);

/* A fresh temporary file path (the file is created empty); `tag` helps when debugging. */
void support_temp_path(const char *tag, char *path, size_t len);
/* Write `text` to `path`; 0 on success. */
int support_write_file(const char *path, const char *text);
/* The number after "key": in a JSON line, NaN when the key is absent. */
double support_json_number(const char *line, const char *key);

#endif
