/* Seeded synthetic inputs: printable-ASCII sequences of uniform length, normal matrices. */
#include <stdlib.h>

#include "bench.h"
#include "rng.h"

lc_status bench_texts_make(int64_t count, int len_min, int len_max, uint64_t seed, bench_texts *out)
{
    *out = (bench_texts){0};
    out->texts = calloc((size_t)(count ? count : 1), sizeof *out->texts);
    out->lengths = calloc((size_t)(count ? count : 1), sizeof *out->lengths);
    if (out->texts == NULL || out->lengths == NULL) {
        bench_texts_free(out);
        return lc_fail(LC_ERR_NOMEM, "out of memory making %lld sequences", (long long)count);
    }
    out->count = count;
    lc_rng rng;
    lc_rng_seed(&rng, seed);
    for (int64_t i = 0; i < count; i++) {
        size_t len = (size_t)len_min + (size_t)lc_rng_below(&rng, (uint64_t)(len_max - len_min + 1));
        char *text = malloc(len + 1);
        if (text == NULL) {
            bench_texts_free(out);
            return lc_fail(LC_ERR_NOMEM, "out of memory making %lld sequences", (long long)count);
        }
        for (size_t k = 0; k < len; k++)
            text[k] = (char)(32 + lc_rng_below(&rng, 95)); /* 32..126 */
        text[len] = '\0';
        out->texts[i] = text;
        out->lengths[i] = len;
        out->total += (int64_t)len;
    }
    return LC_OK;
}

void bench_texts_free(bench_texts *t)
{
    if (t->texts)
        for (int64_t i = 0; i < t->count; i++)
            free(t->texts[i]);
    free(t->texts);
    free(t->lengths);
    *t = (bench_texts){0};
}

float *bench_normal_matrix(int64_t n, int64_t dim, uint64_t seed)
{
    float *m = malloc((size_t)(n * dim > 0 ? n * dim : 1) * sizeof *m);
    if (m == NULL)
        return NULL;
    lc_rng rng;
    lc_rng_seed(&rng, seed);
    for (int64_t k = 0; k < n * dim; k++)
        m[k] = (float)lc_rng_normal(&rng);
    return m;
}

/* Per sequence and step, standard form: the recurrent product h W_h (2 * H * 4H), adding the
 * input row x W_x (a row lookup for one-hot codes: 4H adds) and the bias (4H), five
 * transcendentals (3 sigmoids, 2 tanh: 1 each), c = f c + i g (3H) and h = o tanh(c) (1H).
 * Peephole forms add w * c and its sum for three gates (6H). */
double bench_lstm_forward_flops(int hidden, lc_lstm_form form)
{
    double h = hidden;
    double flops = 8 * h * h + 17 * h;
    if (form != LC_LSTM_STANDARD)
        flops += 6 * h;
    return flops;
}

/* Backward per sequence and step: dh W_h^T (8H^2) and dW_h += h^T dgates (8H^2); the gate and
 * cell derivatives (about 23H), accumulating dbias and the input-row gradient (4H each).
 * Peephole forms add their three products and gradients (12H). */
double bench_lstm_backward_flops(int hidden, lc_lstm_form form)
{
    double h = hidden;
    double flops = 16 * h * h + 31 * h;
    if (form != LC_LSTM_STANDARD)
        flops += 12 * h;
    return flops;
}
