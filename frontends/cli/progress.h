/* A one-line progress display on a terminal (stderr), throttled; silent when not a terminal. */
#ifndef LSTMCORR_PROGRESS_H
#define LSTMCORR_PROGRESS_H

#include "train.h"

typedef struct lc_progress_line {
    int enabled;
    double last;
    int dirty;
} lc_progress_line;

void lc_progress_init(lc_progress_line *p);
/* Print a training progress line (at most 10 per second). */
void lc_progress_train(lc_progress_line *p, const lc_train_progress *t);
/* Print a free-form status line now. */
void lc_progress_text(lc_progress_line *p, const char *text);
/* Clear the line before other output. */
void lc_progress_clear(lc_progress_line *p);

#endif
