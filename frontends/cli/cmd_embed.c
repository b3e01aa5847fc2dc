/* lstmcorr embed: alert texts -> model vectors, as a NumPy .npy float32 array. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_data.h"
#include "cli_model.h"
#include "cli_util.h"
#include "commands.h"
#include "npy.h"

static void print_help(void)
{
    printf("usage: lstmcorr embed --model M --data FILE -o VECTORS.npy [options]\n\n"
           "Writes one float32 vector per alert (N x H, in input order) in NumPy .npy format.\n"
           "The model's masking is applied unless --mask is given.\n\n"
           "options:\n"
           "  --device D        cpu:0 (default), opencl:0, cuda:0\n"
           "  --chunk N         alerts per LSTM batch (default 4096)\n"
           "%s",
           lc_cli_read_help);
}

int lc_cmd_embed(int argc, char **argv)
{
    const char *cmd = "embed", *model_path = NULL, *data_path = NULL, *out_path = NULL, *device = "cpu:0";
    long chunk = 4096;
    lc_cli_read r;
    lc_cli_read_defaults(&r);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int used;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            print_help();
            return LC_EXIT_OK;
        }
        if ((used = lc_cli_read_option(cmd, argc, argv, &i, &r)) != 0) {
            if (used < 0)
                return LC_EXIT_USAGE;
            continue;
        }
        if (i + 1 >= argc)
            return lc_usage_error(cmd, "unknown option '%s' (or it needs a value)", a);
        if (strcmp(a, "--model") == 0)
            model_path = argv[++i];
        else if (strcmp(a, "--data") == 0)
            data_path = argv[++i];
        else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0)
            out_path = argv[++i];
        else if (strcmp(a, "--device") == 0)
            device = argv[++i];
        else if (strcmp(a, "--chunk") == 0) {
            if (lc_parse_long(cmd, a, argv[++i], 1, 1 << 20, &chunk) != 0)
                return LC_EXIT_USAGE;
        } else
            return lc_usage_error(cmd, "unknown option '%s'", a);
    }
    if (model_path == NULL || data_path == NULL || out_path == NULL)
        return lc_usage_error(cmd, "--model, --data and -o are required");

    lc_engine *engine = NULL;
    lc_dev *dev = NULL;
    lc_session *session = NULL;
    lc_cli_dataset data = {0};
    float *vectors = NULL;
    int rc = LC_EXIT_FAILURE;
    lc_net_config net;
    if (lc_cli_open_model(cmd, device, model_path, &r, &engine, &dev, &net, &session) != 0)
        goto done;
    if (lc_cli_dataset_load(cmd, data_path, &r, &data) != 0)
        goto done;
    int H = lc_net_output_size(&net);
    if ((vectors = lc_cli_embed_dataset(cmd, &net, session, &data, (int32_t)chunk)) == NULL)
        goto done;
    if (lc_npy_write_f32(out_path, vectors, (int64_t)data.alerts.count, H) != LC_OK) {
        lc_run_error(cmd, "%s", lc_last_error());
        goto done;
    }
    fprintf(stderr, "wrote %zu x %d vectors to %s\n", data.alerts.count, H, out_path);
    rc = LC_EXIT_OK;
done:
    free(vectors);
    lc_cli_dataset_free(&data);
    lc_session_free(session);
    lc_dev_close(dev);
    lc_engine_close(engine);
    return rc;
}
