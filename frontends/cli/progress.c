#include "progress.h"

#include <stdio.h>
#include <unistd.h>

#include "cli_util.h"

void lc_progress_init(lc_progress_line *p)
{
    p->enabled = isatty(STDERR_FILENO);
    p->last = 0;
    p->dirty = 0;
}

static void format_duration(double s, char *out, size_t len)
{
    if (s >= 3600)
        snprintf(out, len, "%dh%02dm", (int)(s / 3600), (int)(s / 60) % 60);
    else if (s >= 60)
        snprintf(out, len, "%dm%02ds", (int)(s / 60), (int)s % 60);
    else
        snprintf(out, len, "%.0fs", s);
}

void lc_progress_train(lc_progress_line *p, const lc_train_progress *t)
{
    double now = lc_now_seconds();
    if (!p->enabled || (now - p->last < 0.1 && t->batch != t->batches))
        return;
    p->last = now;
    char eta[32];
    format_duration(t->eta_seconds, eta, sizeof eta);
    fprintf(stderr, "\r\033[Kepoch %d/%d  batch %lld/%lld  loss %.4f  %.0f pairs/s  ETA %s", t->epoch, t->epochs,
            (long long)t->batch, (long long)t->batches, t->loss, t->pairs_per_second, eta);
    fflush(stderr);
    p->dirty = 1;
}

void lc_progress_text(lc_progress_line *p, const char *text)
{
    if (!p->enabled)
        return;
    fprintf(stderr, "\r\033[K%s", text);
    fflush(stderr);
    p->dirty = 1;
}

void lc_progress_clear(lc_progress_line *p)
{
    if (p->enabled && p->dirty) {
        fprintf(stderr, "\r\033[K");
        fflush(stderr);
        p->dirty = 0;
    }
}
