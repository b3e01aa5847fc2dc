/* The demo generator: determinism, sizes, parseable fast.log text, a learnable-but-not-trivial
 * structure, and `lstmcorr synth`. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alerts.h"
#include "support_cli.h"
#include "synth.h"

static void generate(size_t count, uint64_t seed, lc_alert_set *set)
{
    lc_synth_options opts;
    lc_synth_defaults(&opts);
    opts.count = count;
    opts.seed = seed;
    assert_int_equal(lc_synth(&opts, set), LC_OK);
    assert_int_equal(set->count, count);
}

static int same_alerts(const lc_alert_set *x, const lc_alert_set *y)
{
    if (x->count != y->count)
        return 0;
    for (size_t k = 0; k < x->count; k++)
        if (strcmp(x->alerts[k].text, y->alerts[k].text) != 0 || strcmp(x->alerts[k].incident, y->alerts[k].incident) != 0 ||
            x->alerts[k].cut != y->alerts[k].cut)
            return 0;
    return 1;
}

static void test_determinism(void **state)
{
    (void)state;
    lc_alert_set a = {0}, b = {0}, c = {0};
    generate(500, 11, &a);
    generate(500, 11, &b);
    generate(500, 12, &c);
    assert_true(same_alerts(&a, &b));
    assert_false(same_alerts(&a, &c));
    lc_alert_set_free(&a);
    lc_alert_set_free(&b);
    lc_alert_set_free(&c);
}

static void test_sizes_and_cuts(void **state)
{
    (void)state;
    lc_alert_set set = {0};
    generate(2000, 1, &set);
    size_t benign = 0;
    size_t per_incident[LC_SYNTH_MAX_INCIDENTS] = {0};
    int cuts[10] = {0};
    for (size_t k = 0; k < set.count; k++) {
        const lc_alert *a = &set.alerts[k];
        assert_int_equal(a->cut, (int)(k % 10));
        cuts[a->cut]++;
        if (lc_alert_is_benign(a)) {
            benign++;
            continue;
        }
        int found = 0;
        for (int i = 0; i < LC_SYNTH_MAX_INCIDENTS; i++)
            if (strcmp(a->incident, lc_synth_incident_name(i)) == 0)
                per_incident[i]++, found = 1;
        assert_true(found);
    }
    assert_int_equal(benign, 1000);
    for (int i = 0; i < LC_SYNTH_MAX_INCIDENTS; i++)
        assert_true(per_incident[i] >= 50); /* every incident is present, none is tiny */
    for (int c = 0; c < 10; c++)
        assert_int_equal(cuts[c], 200);
    lc_alert_set_free(&set);

    lc_synth_options opts;
    lc_synth_defaults(&opts);
    opts.count = 100;
    opts.incidents = 1;
    opts.benign_fraction = 0.25;
    assert_int_equal(lc_synth(&opts, &set), LC_OK);
    size_t incident = 0;
    for (size_t k = 0; k < set.count; k++)
        incident += strcmp(set.alerts[k].incident, "portscan") == 0;
    assert_int_equal(incident, 75);
    lc_alert_set_free(&set);
    opts.incidents = 7;
    assert_int_equal(lc_synth(&opts, &set), LC_ERR_INVALID);
    opts.incidents = 6;
    opts.benign_fraction = 1.5;
    assert_int_equal(lc_synth(&opts, &set), LC_ERR_INVALID);
    lc_alert_set_free(&set);
}

/* The text is fast.log: its own parser gets back the fields the generator stored. */
static void test_text_parses_back(void **state)
{
    (void)state;
    lc_alert_set set = {0};
    generate(600, 3, &set);
    for (size_t k = 0; k < set.count; k++) {
        const lc_alert *a = &set.alerts[k];
        lc_alert back = {.time = NAN, .src_port = -1, .dst_port = -1};
        if (!lc_fast_line_fields(a->text, a->text_len, 2024, &back))
            fail_msg("not a fast.log line: %s", a->text);
        assert_true(fabs(back.time - a->time) < 1e-5);
        assert_string_equal(back.src_ip, a->src_ip);
        assert_string_equal(back.dst_ip, a->dst_ip);
        assert_int_equal(back.src_port, a->src_port);
        assert_int_equal(back.dst_port, a->dst_port);
    }
    lc_alert_set_free(&set);
}

/* The rule text between "] " after [gid:sid:rev] and " [**]". */
static void signature_of(const char *text, char *out, size_t len)
{
    const char *start = strstr(text, "] [1:");
    start = start ? strchr(start + 2, ']') : NULL;
    const char *end = start ? strstr(start, " [**]") : NULL;
    assert_non_null(end);
    snprintf(out, len, "%.*s", (int)(end - start - 2), start + 2);
}

static void test_learnable_not_trivial(void **state)
{
    (void)state;
    lc_alert_set set = {0};
    generate(3000, 5, &set);
    /* Not trivial: some signatures occur both in incidents and in benign noise. */
    enum { MAX_SIGS = 64 };
    char names[MAX_SIGS][128];
    int in_benign[MAX_SIGS] = {0}, in_incident[MAX_SIGS] = {0};
    int sig_count = 0;
    for (size_t k = 0; k < set.count; k++) {
        char sig[128];
        signature_of(set.alerts[k].text, sig, sizeof sig);
        int s = 0;
        while (s < sig_count && strcmp(names[s], sig) != 0)
            s++;
        if (s == sig_count) {
            assert_true(sig_count < MAX_SIGS);
            snprintf(names[sig_count++], 128, "%s", sig);
        }
        if (lc_alert_is_benign(&set.alerts[k]))
            in_benign[s] = 1;
        else
            in_incident[s] = 1;
    }
    int shared = 0;
    for (int s = 0; s < sig_count; s++)
        shared += in_benign[s] && in_incident[s];
    assert_true(shared >= 3);
    assert_true(sig_count >= 30);

    /* Learnable: in each incident one address (attacker, or the infected inside host) appears in
     * nearly all its alerts, and far less often in benign ones (an inside host has benign traffic too). */
    for (int i = 0; i < LC_SYNTH_MAX_INCIDENTS; i++) {
        const char *name = lc_synth_incident_name(i);
        char best[LC_IP_TEXT_MAX] = "";
        size_t best_count = 0, total = 0;
        for (size_t k = 0; k < set.count; k++) {
            if (strcmp(set.alerts[k].incident, name) != 0)
                continue;
            total++;
            const char *candidates[2] = {set.alerts[k].src_ip, set.alerts[k].dst_ip};
            for (int c = 0; c < 2; c++) {
                size_t n = 0;
                for (size_t j = 0; j < set.count; j++)
                    if (strcmp(set.alerts[j].incident, name) == 0 &&
                        (strcmp(set.alerts[j].src_ip, candidates[c]) == 0 || strcmp(set.alerts[j].dst_ip, candidates[c]) == 0))
                        n++;
                if (n > best_count)
                    best_count = n, snprintf(best, sizeof best, "%s", candidates[c]);
            }
            if (total > 20)
                break; /* the attacker shows up among the first few */
        }
        size_t all = 0, benign_with = 0, benign_total = 0;
        for (size_t k = 0; k < set.count; k++) {
            int has = strcmp(set.alerts[k].src_ip, best) == 0 || strcmp(set.alerts[k].dst_ip, best) == 0;
            all += strcmp(set.alerts[k].incident, name) == 0;
            benign_with += has && lc_alert_is_benign(&set.alerts[k]);
            benign_total += lc_alert_is_benign(&set.alerts[k]);
        }
        if (best_count < all * 95 / 100)
            fail_msg("%s: the commonest address %s is in %zu of %zu alerts", name, best, best_count, all);
        if (benign_with * 20 > benign_total)
            fail_msg("%s: address %s is in %zu of %zu benign alerts", name, best, benign_with, benign_total);
    }
    lc_alert_set_free(&set);
}

static void test_synth_command(void **state)
{
    (void)state;
    if (!support_cli_available("synth"))
        skip();
    char a[64], b[64], args[256], err[512];
    support_temp_path("synth_a", a, sizeof a);
    support_temp_path("synth_b", b, sizeof b);
    snprintf(args, sizeof args, "synth -n 300 --seed 9 -o %s", a);
    assert_int_equal(support_cli_run(args, err, sizeof err), 0);
    snprintf(args, sizeof args, "synth --seed 9 --count 300 > %s", b);
    assert_int_equal(support_cli_run(args, err, sizeof err), 0);
    lc_alert_set x = {0}, y = {0}, z = {0};
    assert_int_equal(lc_alerts_read_path(a, NULL, &x), LC_OK);
    assert_int_equal(lc_alerts_read_path(b, NULL, &y), LC_OK);
    generate(300, 9, &z);
    assert_true(same_alerts(&x, &y));
    assert_true(same_alerts(&x, &z));
    lc_alert_set_free(&x);
    lc_alert_set_free(&y);
    lc_alert_set_free(&z);
    assert_int_equal(support_cli_run("synth --help", NULL, 0), 0);
    assert_int_equal(support_cli_run("synth -n 0", err, sizeof err), 2);
    assert_non_null(strstr(err, "-n"));
    assert_int_equal(support_cli_run("synth --incidents 9", err, sizeof err), 2);
    assert_int_equal(support_cli_run("synth extra", err, sizeof err), 2);
    assert_int_equal(support_cli_run("synth -o /nonexistent-dir/out.csv", err, sizeof err), 1);
    unlink(a);
    unlink(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_sizes_and_cuts),
        cmocka_unit_test(test_text_parses_back),
        cmocka_unit_test(test_learnable_not_trivial),
        cmocka_unit_test(test_synth_command),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
