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

#endif
