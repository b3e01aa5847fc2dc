/* lstmcorr info: what a model file holds. */
#include <stdio.h>
#include <string.h>

#include "cli_util.h"
#include "commands.h"
#include "lstmcorr/engine.h"
#include "model_file.h"

int lc_cmd_info(int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: lstmcorr info MODEL\n\nPrints a model file's format version, settings and tensors.\n");
        return LC_EXIT_OK;
    }
    if (argc != 2)
        return lc_usage_error("info", "expected one model file");
    lc_model *model = NULL;
    if (lc_model_load(argv[1], &model) != LC_OK)
        return lc_run_error("info", "%s", lc_last_error());
    printf("%s: lstmcorr model, format version %u\n", argv[1], lc_model_format_version(model));
    for (int i = 0; i < lc_model_config_count(model); i++) {
        const char *key, *value;
        lc_model_config_entry(model, i, &key, &value);
        printf("  %-18s ", key);
        lc_write_escaped(stdout, value, strlen(value)); /* a model file is user input: no raw control bytes */
        putchar('\n');
    }
    long long total = 0;
    printf("tensors:\n");
    for (int i = 0; i < lc_model_tensor_count(model); i++) {
        const lc_model_tensor *t = lc_model_tensor_at(model, i);
        printf("  ");
        lc_write_escaped(stdout, t->name, strlen(t->name));
        printf("%*s %lld x %lld\n", (int)(strlen(t->name) < 24 ? 24 - strlen(t->name) : 0), "", (long long)t->rows,
               (long long)t->cols);
        total += t->rows * t->cols;
    }
    printf("  %lld values in all\n", total);
    lc_model_free(model);
    return LC_EXIT_OK;
}
