/* Mapping and metrics against cases computed by hand (the arithmetic is in the comments). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lstmcorr/engine.h"
#include "metrics.h"

#define B LC_BENIGN_ID
#define NOISE (-1)
#define COUNT(a) ((int64_t)(sizeof(a) / sizeof((a)[0])))

static void assert_close(double actual, double expected)
{
    if (fabs(actual - expected) > 1e-12)
        fail_msg("got %.17g, expected %.17g", actual, expected);
}

/* Ten alerts, three incidents, benign, two clusters and noise.
 *   alert     0  1  2  3  4  5  6  7  8  9
 *   incident  1  1  1  2  2  2  B  B  3  B
 *   cluster   0  0  0  0  1  1  1  -  -  -      (- = noise) */
static const int32_t mixed_incidents[] = {1, 1, 1, 2, 2, 2, B, B, 3, B};
static const int32_t mixed_clusters[] = {0, 0, 0, 0, 1, 1, 1, NOISE, NOISE, NOISE};

static void test_mapping_and_metrics_of_a_mixed_case(void **state)
{
    (void)state;
    int32_t mapping[2];
    /* cluster 0: incident 1 scores 3/3, incident 2 scores 1/3 -> 1.
     * cluster 1: incident 2 scores 2/3, benign 1/3 -> 2. */
    assert_int_equal(lc_map_clusters(mixed_incidents, mixed_clusters, 10, 2, mapping), LC_OK);
    assert_int_equal(mapping[0], 1);
    assert_int_equal(mapping[1], 2);

    lc_cluster_metrics m;
    assert_int_equal(lc_cluster_metrics_compute(mixed_incidents, mixed_clusters, 10, 2, mapping, &m),
                     LC_OK);
    assert_int_equal(m.alerts, 10);
    assert_int_equal(m.clusters, 2);
    assert_int_equal(m.outliers, 3);
    assert_close(m.arf, 10.0 / 3.0);        /* 2 clusters + noise as one group */
    assert_close(m.arf_analyst, 10.0 / 5.0); /* 2 clusters + 3 outliers */
    assert_close(m.narf, (10.0 / 3.0 - 1.0) / 9.0);
    /* miss(1) = (1 - 3/4)(1 - 0/3) = 1/4; miss(2) = (1 - 1/4)(1 - 2/3) = 1/4;
     * miss(3) = 1 (only in noise). IMR = (1/4 + 1/4 + 1) / 3 = 1/2. */
    assert_close(m.imr, 0.5);
    assert_close(m.faro, 2.0 / 3.0); /* alerts 7 and 9 of the outliers 7, 8, 9 */
    assert_close(m.farc, 1.0 / 7.0); /* alert 6 of the seven clustered */
    /* predicted: 1 1 1 1 2 2 2 B B B; right: 0 1 2 4 5 7 9 -> 7/10. */
    assert_close(m.accuracy, 0.7);
    /* label: tp / predicted / support -> P, R, F1 = 2tp / (predicted + support)
     *   1:  3 / 4 / 3 -> 3/4, 1, 6/7;   2: 2 / 3 / 3 -> 2/3, 2/3, 2/3
     *   B:  2 / 3 / 3 -> 2/3, 2/3, 2/3;  3: 0 / 0 / 1 -> 0, 0, 0        (weights 3, 3, 3, 1) */
    assert_close(m.precision, (3 * 0.75 + 3 * (2.0 / 3) + 3 * (2.0 / 3)) / 10);
    assert_close(m.recall, 0.7);
    assert_close(m.f1, (3 * (6.0 / 7) + 3 * (2.0 / 3) + 3 * (2.0 / 3)) / 10);
    /* H(C) = -(3 * 0.3 ln 0.3 + 0.1 ln 0.1); H(C|K) = -(1/10) sum n(c,k) ln(n(c,k) / size(c)):
     * noise {B:2, 3:1} size 3, cluster 0 {1:3, 2:1} size 4, cluster 1 {2:2, B:1} size 3. */
    double h_c = -(0.9 * log(0.3) + 0.1 * log(0.1));
    double h_ck = -(2 * log(2.0 / 3) + log(1.0 / 3) + 3 * log(3.0 / 4) + log(1.0 / 4) +
                    2 * log(2.0 / 3) + log(1.0 / 3)) / 10;
    assert_close(m.homogeneity, 1.0 - h_ck / h_c);
}

static void test_mapper_ties_and_scores(void **state)
{
    (void)state;
    /* cluster 0: incidents 4 and 7 each 1 of their 2 alerts -> tie -> 7 (the larger label).
     * cluster 1: benign 1 of 1 and incident 5 1 of 1 -> tie -> 5 (benign is -1, the smallest).
     * cluster 2: incident 8 has 2 alerts here of its 10, incident 9 its only one: 1 > 2/10 -> 9.
     * cluster 3: no alert at all -> benign. */
    const int32_t incidents[] = {4, 7, 4, 7, B, 5, 8, 8, 9, 8, 8, 8, 8, 8, 8, 8, 8};
    const int32_t clusters[] = {0, 0, NOISE, NOISE, 1, 1, 2, 2, 2,
                                NOISE, NOISE, NOISE, NOISE, NOISE, NOISE, NOISE, NOISE};
    int32_t mapping[4] = {99, 99, 99, 99};
    assert_int_equal(lc_map_clusters(incidents, clusters, COUNT(incidents), 4, mapping), LC_OK);
    assert_int_equal(mapping[0], 7);
    assert_int_equal(mapping[1], 5);
    assert_int_equal(mapping[2], 9);
    assert_int_equal(mapping[3], B);
}

static void test_every_alert_its_own_cluster(void **state)
{
    (void)state;
    /* What min_samples = 1 with a tiny eps gives: five singleton clusters. */
    const int32_t incidents[] = {1, 1, 2, B, B};
    const int32_t clusters[] = {0, 1, 2, 3, 4};
    int32_t mapping[5];
    lc_cluster_metrics m;
    assert_int_equal(lc_map_clusters(incidents, clusters, 5, 5, mapping), LC_OK);
    assert_memory_equal(mapping, incidents, sizeof incidents);
    assert_int_equal(lc_cluster_metrics_compute(incidents, clusters, 5, 5, mapping, &m), LC_OK);
    assert_int_equal(m.clusters, 5);
    assert_int_equal(m.outliers, 0);
    assert_close(m.arf, 1.0);
    assert_close(m.arf_analyst, 1.0);
    assert_close(m.narf, 0.0);
    assert_close(m.imr, 0.0); /* every factor 1 - 1/1 = 0 */
    assert_close(m.faro, 0.0);
    assert_close(m.farc, 2.0 / 5.0);
    assert_close(m.homogeneity, 1.0);
    assert_close(m.accuracy, 1.0);
    assert_close(m.precision, 1.0);
    assert_close(m.recall, 1.0);
    assert_close(m.f1, 1.0);
}

static void test_a_single_cluster(void **state)
{
    (void)state;
    const int32_t incidents[] = {1, 1, 2, B};
    const int32_t clusters[] = {0, 0, 0, 0};
    int32_t mapping[1];
    lc_cluster_metrics m;
    /* Every incident has all its alerts in the cluster: scores 1, 1, 1 -> the largest, 2. */
    assert_int_equal(lc_map_clusters(incidents, clusters, 4, 1, mapping), LC_OK);
    assert_int_equal(mapping[0], 2);
    assert_int_equal(lc_cluster_metrics_compute(incidents, clusters, 4, 1, mapping, &m), LC_OK);
    assert_close(m.arf, 4.0);
    assert_close(m.narf, 1.0);
    assert_close(m.imr, (0.5 + 0.75) / 2); /* 1 - 2/4 and 1 - 1/4 */
    assert_close(m.farc, 0.25);
    assert_close(m.homogeneity, 0.0);
    assert_close(m.accuracy, 0.25);
    /* Only label 2 is predicted: P(2) = 1/4, R(2) = 1, F(2) = 2/(4 + 1); weight 1 of 4. */
    assert_close(m.precision, 0.25 / 4);
    assert_close(m.recall, 0.25);
    assert_close(m.f1, 0.4 / 4);
}

static void test_all_noise(void **state)
{
    (void)state;
    const int32_t incidents[] = {1, 2, B};
    const int32_t clusters[] = {NOISE, NOISE, NOISE};
    lc_cluster_metrics m;
    assert_int_equal(lc_map_clusters(incidents, clusters, 3, 0, NULL), LC_OK);
    assert_int_equal(lc_cluster_metrics_compute(incidents, clusters, 3, 0, NULL, &m), LC_OK);
    assert_int_equal(m.clusters, 0);
    assert_int_equal(m.outliers, 3);
    assert_close(m.arf, 3.0); /* noise is one group */
    assert_close(m.arf_analyst, 1.0);
    assert_close(m.narf, 1.0);
    assert_close(m.imr, 1.0);
    assert_close(m.faro, 1.0 / 3.0);
    assert_close(m.farc, 0.0);
    assert_close(m.homogeneity, 0.0);
    assert_close(m.accuracy, 1.0 / 3.0);
    /* Everything predicted benign: P(B) = 1/3, R(B) = 1, F(B) = 2/(3 + 1); weight 1 of 3. */
    assert_close(m.precision, (1.0 / 3) / 3);
    assert_close(m.recall, 1.0 / 3);
    assert_close(m.f1, 0.5 / 3);
}

static void test_one_class_and_a_single_alert(void **state)
{
    (void)state;
    const int32_t benign[] = {B, B, B};
    const int32_t clusters[] = {0, 1, NOISE};
    const int32_t mapping[] = {B, B};
    lc_cluster_metrics m;
    assert_int_equal(lc_cluster_metrics_compute(benign, clusters, 3, 2, mapping, &m), LC_OK);
    assert_close(m.homogeneity, 1.0); /* one class: defined as 1, as scikit-learn */
    assert_close(m.imr, 0.0);         /* no incident to miss */
    assert_close(m.faro, 1.0);
    assert_close(m.farc, 1.0);
    assert_close(m.accuracy, 1.0);

    const int32_t one_incident[] = {4};
    const int32_t one_cluster[] = {0};
    const int32_t maps_to_4[] = {4};
    assert_int_equal(lc_cluster_metrics_compute(one_incident, one_cluster, 1, 1, maps_to_4, &m),
                     LC_OK);
    assert_close(m.arf, 1.0);
    assert_close(m.narf, 0.0); /* N - 1 = 0: defined as 0 */
    assert_close(m.imr, 0.0);
}

static void test_validation_alerts_of_a_training_mapping(void **state)
{
    (void)state;
    /* The mapping came from training: cluster 0 -> 9, cluster 1 -> 1, cluster 2 unused here.
     * Label 9 is predicted but absent from the truth: weight 0 in the averages. */
    const int32_t incidents[] = {1, 1, 2};
    const int32_t clusters[] = {0, 1, NOISE};
    const int32_t mapping[] = {9, 1, 2};
    lc_cluster_metrics m;
    assert_int_equal(lc_cluster_metrics_compute(incidents, clusters, 3, 3, mapping, &m), LC_OK);
    assert_int_equal(m.clusters, 2); /* present among these alerts */
    assert_close(m.accuracy, 1.0 / 3.0);
    /* 1: tp 1, predicted 1, support 2 -> P 1, R 1/2, F 2/3; 2: all 0 (predicted benign). */
    assert_close(m.precision, 2.0 / 3.0);
    assert_close(m.recall, 1.0 / 3.0);
    assert_close(m.f1, (2 * (2.0 / 3)) / 3);
    /* miss(1) = (1 - 1/1)(1 - 1/1) = 0, miss(2) = 1 -> IMR 1/2. */
    assert_close(m.imr, 0.5);
}

static void test_bad_input_is_refused(void **state)
{
    (void)state;
    const int32_t incidents[] = {1, 2};
    const int32_t clusters[] = {0, 3};
    const int32_t mapping[] = {1, 2};
    int32_t out[2];
    lc_cluster_metrics m;
    assert_int_equal(lc_map_clusters(incidents, clusters, 0, 2, out), LC_ERR_INVALID);
    assert_non_null(strstr(lc_last_error(), "no alerts"));
    assert_int_equal(lc_cluster_metrics_compute(incidents, clusters, 0, 2, mapping, &m),
                     LC_ERR_INVALID);
    assert_int_equal(lc_cluster_metrics_compute(incidents, clusters, 2, 2, mapping, &m),
                     LC_ERR_INVALID);
    assert_non_null(strstr(lc_last_error(), "alert 1 has cluster 3"));
    const int32_t below_noise[] = {0, -2};
    assert_int_equal(lc_map_clusters(incidents, below_noise, 2, 2, out), LC_ERR_INVALID);
    assert_int_equal(lc_cluster_metrics_compute(NULL, clusters, 2, 2, mapping, &m), LC_ERR_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mapping_and_metrics_of_a_mixed_case),
        cmocka_unit_test(test_mapper_ties_and_scores),
        cmocka_unit_test(test_every_alert_its_own_cluster),
        cmocka_unit_test(test_a_single_cluster),
        cmocka_unit_test(test_all_noise),
        cmocka_unit_test(test_one_class_and_a_single_alert),
        cmocka_unit_test(test_validation_alerts_of_a_training_mapping),
        cmocka_unit_test(test_bad_input_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
