/* Model files as the subcommands write them: network, training settings, optimizer state. */
#ifndef LSTMCORR_CLI_MODEL_H
#define LSTMCORR_CLI_MODEL_H

#include "cli_data.h"
#include "model_file.h"

/* Save the session's network and everything needed to resume training bit-identically. */
lc_status lc_cli_model_save(const char *path, const lc_cli_train *t, const lc_cli_read *r, lc_session *session,
                            int epochs_done);

/* Load a model: network config, parameters into a new session on dev, and (when t is non-NULL)
 * the training settings and optimizer state, for --resume. */
lc_status lc_cli_model_load(const char *path, lc_dev *dev, lc_net_config *net, lc_session **session,
                            lc_cli_train *t, lc_cli_read *r, int *epochs_done);

/* For embed and cluster: open `device`, load the model at `path` for inference, and make its masking
 * r's unless --mask was given (so vectors match training). 0, or 1 after printing the reason. */
int lc_cli_open_model(const char *cmd, const char *device, const char *path, lc_cli_read *r, lc_engine **engine,
                      lc_dev **dev, lc_net_config *net, lc_session **session);

/* The vectors of every alert of d (count x H, malloc'ed), or NULL after printing the reason. */
float *lc_cli_embed_dataset(const char *cmd, const lc_net_config *net, lc_session *session,
                            const lc_cli_dataset *d, int32_t chunk);

#endif
