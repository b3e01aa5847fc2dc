#define _POSIX_C_SOURCE 200809L
/* Seeded mutations of the reader fixtures (bytes flipped, tokens such as quotes, braces, NUL, CR,
 * invalid UTF-8 and huge numbers inserted, spans cut, duplicated or truncated) read in every format,
 * with and without --skip-bad, then masked. Alert text is attacker-written, so every input must end
 * in either alerts that keep the set's invariants or a "NAME:LINE: reason" (or whole-file) error:
 * never a crash, a sanitizer report, or a silent half-read. Runs under ASan/UBSan in CI. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alerts.h"
#include "lstmcorr/status.h"
#include "mask.h"
#include "rng.h"

#define FIXTURES LSTMCORR_SOURCE_DIR "/tests/frontends/data/"
enum { CASES = 100000, MAX_INPUT = 1 << 16 };

static const char *const fixtures[] = {"ait_small.csv", "cptc_small.eve.json", "quoted_crlf.csv",
                                       "snort_suricata.fast"};
static const char *const tokens[] = {"\"", ",", "\n", "\r\n", "\r", "{", "}", "[", "]", ":", "\\", "\\u",
                                     "\\ud800", "\xff", "\xc3", "-", ".", "999999999999999999999", "1e999",
                                     "::", "[**]", "{TCP}", " -> ", "\"event_type\":\"alert\"",
                                     "255.255.255.256", "\t", "01/02-03:04:05.123456", "2017-11-04T13:20:24Z"};

typedef struct {
    char *bytes;
    size_t len;
} buffer;

static buffer load(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s%s", FIXTURES, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    buffer b = {malloc(MAX_INPUT), 0};
    assert_non_null(b.bytes);
    b.len = fread(b.bytes, 1, MAX_INPUT, f);
    fclose(f);
    return b;
}

static void insert(buffer *b, size_t at, const char *text, size_t n)
{
    if (b->len + n > MAX_INPUT)
        return;
    memmove(b->bytes + at + n, b->bytes + at, b->len - at);
    memcpy(b->bytes + at, text, n);
    b->len += n;
}

static void mutate(lc_rng *rng, buffer *b)
{
    int edits = 1 + (int)lc_rng_below(rng, 8);
    for (int e = 0; e < edits; e++) {
        size_t at = (size_t)lc_rng_below(rng, b->len + 1);
        switch (lc_rng_below(rng, 6)) {
        case 0: /* flip a byte (NUL included) */
            if (b->len)
                b->bytes[at < b->len ? at : b->len - 1] = (char)lc_rng_below(rng, 256);
            break;
        case 1:
        case 2: { /* insert a token */
            const char *t = tokens[lc_rng_below(rng, sizeof tokens / sizeof tokens[0])];
            insert(b, at, t, strlen(t));
            break;
        }
        case 3: { /* delete a span */
            size_t n = 1 + (size_t)lc_rng_below(rng, 40);
            if (at + n > b->len)
                n = b->len - at;
            memmove(b->bytes + at, b->bytes + at + n, b->len - at - n);
            b->len -= n;
            break;
        }
        case 4: /* truncate */
            b->len = at;
            break;
        default: { /* duplicate a span elsewhere */
            size_t from = (size_t)lc_rng_below(rng, b->len + 1), n = (size_t)lc_rng_below(rng, 200);
            if (from + n > b->len)
                n = b->len - from;
            char copy[200];
            memcpy(copy, b->bytes + from, n);
            insert(b, at, copy, n);
        }
        }
    }
}

/* An error names the input, and a line unless it is about the whole input. */
static void check_error(const char *input, lc_status status)
{
    const char *message = lc_last_error();
    if (status != LC_ERR_FORMAT && status != LC_ERR_INVALID)
        fail_msg("%s: status %d (%s)", input, (int)status, message);
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%s:", input);
    if (strncmp(message, prefix, strlen(prefix)) != 0 && strstr(message, input) == NULL)
        fail_msg("error does not name the input: %s", message);
}

static void check_set(const char *input, const lc_alert_set *set)
{
    for (size_t i = 0; i < set->count; i++) {
        const lc_alert *a = &set->alerts[i];
        if (a->text == NULL || strlen(a->text) != a->text_len)
            fail_msg("%s: alert %zu: text has a NUL inside or a wrong length", input, i);
        if (a->incident == NULL || a->incident[0] == '\0')
            fail_msg("%s: alert %zu: no incident", input, i);
        if (a->cut != LC_CUT_UNKNOWN && (a->cut < 0 || a->cut > 9))
            fail_msg("%s: alert %zu: cut %d", input, i, a->cut);
        if (a->line < 1)
            fail_msg("%s: alert %zu: line %ld", input, i, a->line);
        char *masked = NULL;
        size_t masked_len = 0;
        assert_int_equal(lc_mask_text(a->text, a->text_len, LC_MASK_TIMESTAMP | LC_MASK_IP | LC_MASK_PORT, &masked,
                                      &masked_len),
                         LC_OK);
        assert_int_equal(strlen(masked), masked_len);
        free(masked);
    }
    for (size_t k = 0; k < set->bad_count && k < LC_BAD_REASONS_KEPT; k++)
        if (set->bad_reasons[k] == NULL || strstr(set->bad_reasons[k], input) == NULL)
            fail_msg("%s: skipped record %zu without a FILE:LINE reason", input, k);
}

static void test_mutated_inputs_end_in_alerts_or_a_located_error(void **state)
{
    (void)state;
    buffer seeds[sizeof fixtures / sizeof fixtures[0]];
    for (size_t s = 0; s < sizeof fixtures / sizeof fixtures[0]; s++)
        seeds[s] = load(fixtures[s]);
    buffer b = {malloc(MAX_INPUT), 0};
    assert_non_null(b.bytes);
    lc_rng rng;
    lc_rng_seed(&rng, 20261204);
    int read_ok = 0, refused = 0;
    for (int c = 0; c < CASES; c++) {
        const buffer *seed = &seeds[lc_rng_below(&rng, sizeof seeds / sizeof seeds[0])];
        memcpy(b.bytes, seed->bytes, seed->len);
        b.len = seed->len;
        mutate(&rng, &b);
        char input[32];
        snprintf(input, sizeof input, "case%d", c);
        for (int format = LC_FORMAT_AUTO; format <= LC_FORMAT_AIT; format++)
            for (int skip_bad = 0; skip_bad <= 1; skip_bad++) {
                lc_read_options opts = {.format = (lc_alert_format)format, .skip_bad = skip_bad, .year = 2024};
                lc_alert_set set = {0};
                lc_status status = lc_alerts_read_memory(b.bytes, b.len, input, &opts, &set);
                if (status == LC_OK) {
                    check_set(input, &set);
                    read_ok++;
                } else {
                    check_error(input, status);
                    refused++;
                }
                lc_alert_set_free(&set);
            }
    }
    printf("%d mutated inputs x 5 formats x skip-bad on/off: %d read, %d refused with a located error\n", CASES,
           read_ok, refused);
    assert_true(read_ok > 0 && refused > 0);
    for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++)
        free(seeds[s].bytes);
    free(b.bytes);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mutated_inputs_end_in_alerts_or_a_located_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
