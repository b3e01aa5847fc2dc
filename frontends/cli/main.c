/* lstmcorr: the command-line front end. Dispatches to one subcommand per file. */
#include <stdio.h>
#include <string.h>

#include "cli_util.h"
#include "commands.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"demo", lc_cmd_demo, "synthetic alerts -> train -> evaluate one fold -> table"},
    {"train", lc_cmd_train, "train the siamese LSTM on labelled alerts"},
    {"embed", lc_cmd_embed, "alerts -> vectors (.npy)"},
    {"cluster", lc_cmd_cluster, "DBSCAN the alerts; place new ones with --assign"},
    {"evaluate", lc_cmd_evaluate, "the k-fold protocol with every metric"},
    {"info", lc_cmd_info, "what a model file holds"},
    {"label", lc_cmd_label, "label alerts from incident descriptions"},
    {"stratify", lc_cmd_stratify, "cap incidents, sample benign, assign cuts"},
    {"synth", lc_cmd_synth, "write the synthetic demo alerts"},
    {"bench", lc_cmd_bench, "benchmarks of every workload on every device (lstmcorr-bench)"},
    {"devices", lc_cmd_devices, "list backends, their devices, and why a backend is unusable"},
};

static void print_help(FILE *out)
{
    fprintf(out, "usage: lstmcorr COMMAND [OPTIONS]   (lstmcorr COMMAND --help for each)\n\n"
                 "Correlate intrusion-detection alerts with a siamese character LSTM.\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nenvironment: LSTMCORR_BACKEND_PATH (plugin folders), LSTMCORR_THREADS (cpu threads)\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_help(stderr);
        return LC_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        print_help(stdout);
        return LC_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("lstmcorr %s\n", LSTMCORR_COMMIT);
        return LC_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "lstmcorr: unknown command '%s'\n", argv[1]);
    print_help(stderr);
    return LC_EXIT_USAGE;
}
