/* Clustering distinct vectors weighted by their counts gives exactly the clustering of all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "assign.h"
#include "dbscan.h"
#include "rng.h"
#include "unique_rows.h"

enum { N = 400, DIM = 4, QUERIES = 60 };

/* Points from a few directions, many of them repeated exactly, the way alert streams repeat. */
static void make_points(float *x, int64_t n, uint64_t seed)
{
    lc_rng rng;
    lc_rng_seed(&rng, seed);
    for (int64_t i = 0; i < n; i++) {
        if (i % 50 == 7) { /* an empty alert's vector */
            memset(x + i * DIM, 0, DIM * sizeof *x);
            continue;
        }
        if (i > 0 && lc_rng_uniform(&rng) < 0.6) {
            int64_t j = (int64_t)lc_rng_below(&rng, (uint64_t)i);
            memcpy(x + i * DIM, x + j * DIM, DIM * sizeof *x);
            continue;
        }
        int centre = (int)lc_rng_below(&rng, 5);
        for (int d = 0; d < DIM; d++)
            x[i * DIM + d] = (float)((d == centre % DIM ? 1.0 : 0.1 * centre) + 0.05 * lc_rng_normal(&rng));
    }
}

static void test_unique_rows_groups_exact_copies(void **state)
{
    (void)state;
    float x[6 * DIM] = {1, 2, 3, 4, 0, 0, 0, 1, 1, 2, 3, 4, -0.0f, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0};
    lc_unique_rows u;
    assert_int_equal(lc_unique_rows_build(x, 6, DIM, &u), LC_OK);
    /* -0 and +0 differ in their bits: exact copies only; zero vectors never merge. */
    assert_int_equal(u.count, 5);
    assert_int_equal(u.of[0], 0);
    assert_int_equal(u.of[2], 0);
    assert_int_equal(u.weight[0], 2);
    assert_int_equal(u.first[2], 3);
    assert_int_equal(u.of[4], 3);
    assert_int_equal(u.of[5], 4);
    lc_unique_rows_free(&u);
}

static void test_weighted_dbscan_equals_dbscan_of_all(void **state)
{
    (void)state;
    float *x = malloc(N * DIM * sizeof *x), *q = malloc(QUERIES * DIM * sizeof *q), *distinct = NULL;
    make_points(x, N, 3);
    make_points(q, QUERIES, 4);
    const float eps[3] = {0.001f, 0.01f, 0.05f};
    lc_neighbor_graph all, few, cross_all, cross_few;
    lc_unique_rows u;
    assert_int_equal(lc_unique_rows_build(x, N, DIM, &u), LC_OK);
    assert_true(u.count < N / 2);
    assert_int_equal(lc_unique_rows_gather(&u, x, DIM, &distinct), LC_OK);
    assert_int_equal(lc_neighbors_self(NULL, x, N, DIM, eps, 3, 0, &all), LC_OK);
    assert_int_equal(lc_neighbors_self(NULL, distinct, u.count, DIM, eps, 3, 0, &few), LC_OK);
    assert_int_equal(lc_neighbors_cross(NULL, q, QUERIES, x, N, DIM, eps, 3, 0, &cross_all), LC_OK);
    assert_int_equal(lc_neighbors_cross(NULL, q, QUERIES, distinct, u.count, DIM, eps, 3, 0, &cross_few), LC_OK);
    const int64_t min_samples[] = {1, 3, 10, 30};
    for (int level = 0; level < 3; level++)
        for (int m = 0; m < 4; m++) {
            lc_clustering a, g, b;
            assert_int_equal(lc_dbscan(&all, level, min_samples[m], &a), LC_OK);
            assert_int_equal(lc_dbscan_weighted(&few, level, min_samples[m], u.weight, &g), LC_OK);
            assert_int_equal(lc_clustering_expand(&g, u.of, N, &b), LC_OK);
            assert_int_equal(a.cluster_count, b.cluster_count);
            assert_memory_equal(a.labels, b.labels, N * sizeof *a.labels);
            assert_memory_equal(a.is_core, b.is_core, N);
            for (int rule = 0; rule < 2; rule++) {
                int32_t la[QUERIES], lb[QUERIES];
                assert_int_equal(lc_assign(&cross_all, level, &a, (lc_assign_rule)rule, la), LC_OK);
                assert_int_equal(lc_assign(&cross_few, level, &g, (lc_assign_rule)rule, lb), LC_OK);
                assert_memory_equal(la, lb, sizeof la);
            }
            lc_clustering_free(&a);
            lc_clustering_free(&g);
            lc_clustering_free(&b);
        }
    lc_neighbor_graph_free(&all);
    lc_neighbor_graph_free(&few);
    lc_neighbor_graph_free(&cross_all);
    lc_neighbor_graph_free(&cross_few);
    lc_unique_rows_free(&u);
    free(distinct);
    free(x);
    free(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unique_rows_groups_exact_copies),
        cmocka_unit_test(test_weighted_dbscan_equals_dbscan_of_all),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
