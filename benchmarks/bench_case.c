/* Filling a case's parameters and extra figures. */
#include <inttypes.h>
#include <string.h>

#include "bench.h"

static bench_param *next_param(bench_case *c, const char *key)
{
    if (c->param_count >= BENCH_MAX_PARAMS)
        return NULL;
    bench_param *p = &c->params[c->param_count++];
    snprintf(p->key, sizeof p->key, "%s", key);
    return p;
}

void bench_case_param_int(bench_case *c, const char *key, int64_t value)
{
    bench_param *p = next_param(c, key);
    if (p) {
        snprintf(p->value, sizeof p->value, "%" PRId64, value);
        p->is_number = 1;
    }
}

void bench_case_param_double(bench_case *c, const char *key, double value)
{
    bench_param *p = next_param(c, key);
    if (p) {
        snprintf(p->value, sizeof p->value, "%.9g", value);
        p->is_number = 1;
    }
}

void bench_case_param_text(bench_case *c, const char *key, const char *value)
{
    bench_param *p = next_param(c, key);
    if (p)
        snprintf(p->value, sizeof p->value, "%s", value);
}

void bench_case_extra(bench_case *c, const char *key, double value)
{
    if (c->extra_count >= BENCH_MAX_EXTRAS)
        return;
    bench_extra *e = &c->extras[c->extra_count++];
    snprintf(e->key, sizeof e->key, "%s", key);
    e->value = value;
}
