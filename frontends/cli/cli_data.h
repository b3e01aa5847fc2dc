/* Options shared by the subcommands that read alerts and train: parsing, loading, fold splits. */
#ifndef LSTMCORR_CLI_DATA_H
#define LSTMCORR_CLI_DATA_H

#include "alerts.h"
#include "assign.h"
#include "encode.h"
#include "train.h"

/* Reading alerts: --format, --skip-bad, --mask. */
typedef struct lc_cli_read {
    lc_read_options read;
    unsigned mask;
    const char *mask_text;
} lc_cli_read;

/* Training: the network, the optimizer and the schedule, plus the device. */
typedef struct lc_cli_train {
    lc_train_options train;
    const char *preset;
    const char *device;
    int fold;
    int positive_given;        /* --pairs-positive was given */
    const char *setting_given; /* first option given that a model stores (for --resume) */
} lc_cli_train;

void lc_cli_read_defaults(lc_cli_read *r);
/* Apply --preset NAME ("seed" or "fast"). */
int lc_cli_train_defaults(lc_cli_train *t, const char *preset);
/* Defaults from the --preset found anywhere in argv (seed when none), fold 0, device cpu:0: the
 * other options then override them whatever their order. */
int lc_cli_train_init(lc_cli_train *t, int argc, char **argv);

/* If argv[*i] is one of our options, consume it (and its value) and return 1; 0 if not ours;
 * -1 after printing a usage error. */
int lc_cli_read_option(const char *cmd, int argc, char **argv, int *i, lc_cli_read *r);
int lc_cli_train_option(const char *cmd, int argc, char **argv, int *i, lc_cli_train *t);

/* Settings that do not go together (e.g. --pairs all with same-incident sampling): 0, or -1 after
 * printing a usage error. Call after the options are parsed. */
int lc_cli_train_check(const char *cmd, const lc_cli_train *t);

/* --rule first|nearest; 0, or -1 after printing a usage error. */
int lc_cli_parse_rule(const char *cmd, const char *text, lc_assign_rule *rule);

/* Help text of the shared options. */
extern const char lc_cli_read_help[];
extern const char lc_cli_train_help[];

/* A loaded data set: alerts and their incident numbers. */
typedef struct lc_cli_dataset {
    lc_alert_set alerts;
    lc_incident_ids ids;
    const char **texts; /* texts[i] = alerts.alerts[i].text */
    size_t *lengths;
    int32_t *labels;
} lc_cli_dataset;

/* Read, mask and number the alerts of `path`; on failure prints "lstmcorr CMD: reason" and
 * returns nonzero. Reports skipped records on stderr. */
int lc_cli_dataset_load(const char *cmd, const char *path, const lc_cli_read *r, lc_cli_dataset *d);
void lc_cli_dataset_free(lc_cli_dataset *d);

/* Indices of alerts with cut != fold (train) and == fold (validation); fold < 0: all train. */
int lc_cli_fold_split(const char *cmd, const lc_cli_dataset *d, int fold, int32_t **train, int32_t *train_count,
                      int32_t **valid, int32_t *valid_count);

/* A view of a subset (pointers into d); free the arrays with lc_cli_subset_free. */
int lc_cli_subset(const lc_cli_dataset *d, const int32_t *index, int32_t count, lc_labelled_texts *out);
void lc_cli_subset_free(lc_labelled_texts *view);

#endif
