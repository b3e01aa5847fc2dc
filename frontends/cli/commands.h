/* The lstmcorr subcommands. Each returns the process exit code: 0 success, 1 bad input or a failed
 * run, 2 bad usage. Each prints its own --help. main.c dispatches on argv[1]. */
#ifndef LSTMCORR_COMMANDS_H
#define LSTMCORR_COMMANDS_H

int lc_cmd_devices(int argc, char **argv);
int lc_cmd_label(int argc, char **argv);
int lc_cmd_stratify(int argc, char **argv);
int lc_cmd_synth(int argc, char **argv);
int lc_cmd_train(int argc, char **argv);
int lc_cmd_embed(int argc, char **argv);
int lc_cmd_cluster(int argc, char **argv);
int lc_cmd_evaluate(int argc, char **argv);
int lc_cmd_info(int argc, char **argv);
int lc_cmd_demo(int argc, char **argv);
int lc_cmd_bench(int argc, char **argv);

#endif
