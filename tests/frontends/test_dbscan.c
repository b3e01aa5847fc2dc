/* DBSCAN and the placement of new points, on small cases whose answer is known by hand. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "assign.h"
#include "dbscan.h"
#include "lstmcorr/engine.h"
#include "neighbors.h"

#define NOISE LC_NOISE
#define NEAR 0.1f
#define FAR 1.0f
#define MAX_POINTS 16

static const float one_eps[] = {0.5f};

/* A self graph of n points where exactly the listed pairs are within eps = 0.5. */
static void graph_of_pairs(int n, const int pairs[][2], int pair_count, lc_neighbor_graph *g)
{
    float d[MAX_POINTS * MAX_POINTS];
    for (int i = 0; i < n * n; i++)
        d[i] = FAR;
    for (int p = 0; p < pair_count; p++) {
        d[pairs[p][0] * n + pairs[p][1]] = NEAR;
        d[pairs[p][1] * n + pairs[p][0]] = NEAR;
    }
    /* The diagonal is ignored for a self graph: a point is always its own neighbour. */
    assert_int_equal(lc_neighbors_from_distances(d, n, n, 1, one_eps, 1, g), LC_OK);
}

static void cluster_pairs(int n, const int pairs[][2], int pair_count, int64_t min_samples,
                          lc_clustering *c)
{
    lc_neighbor_graph g;
    graph_of_pairs(n, pairs, pair_count, &g);
    assert_int_equal(lc_dbscan(&g, 0, min_samples, c), LC_OK);
    lc_neighbor_graph_free(&g);
}

static void assert_labels(const lc_clustering *c, const int32_t *expected, int n)
{
    for (int i = 0; i < n; i++)
        if (c->labels[i] != expected[i])
            fail_msg("point %d: label %d, expected %d", i, c->labels[i], expected[i]);
}

/* Every pair of the listed points. */
static int clique(const int *points, int count, int pairs[][2])
{
    int made = 0;
    for (int a = 0; a < count; a++)
        for (int b = a + 1; b < count; b++) {
            pairs[made][0] = points[a];
            pairs[made][1] = points[b];
            made++;
        }
    return made;
}

static void test_border_point_reachable_from_two_clusters(void **state)
{
    (void)state;
    /* Point 0 is near 4 (in cluster {1..4}) and 5 (in cluster {5..8}); with min_samples 4 it
     * has 3 neighbours (itself, 4, 5): a border point of both. Cluster {1..4} is discovered
     * first (seed 1 < 5), so point 0 joins it: cluster 0. */
    int pairs[32][2];
    const int a[] = {1, 2, 3, 4}, b[] = {5, 6, 7, 8};
    int count = clique(a, 4, pairs);
    count += clique(b, 4, pairs + count);
    pairs[count][0] = 0, pairs[count][1] = 4, count++;
    pairs[count][0] = 0, pairs[count][1] = 5, count++;
    lc_clustering c;
    cluster_pairs(9, (const int(*)[2])pairs, count, 4, &c);
    const int32_t expected[] = {0, 0, 0, 0, 0, 1, 1, 1, 1};
    assert_int_equal(c.cluster_count, 2);
    assert_labels(&c, expected, 9);
    assert_int_equal(c.is_core[0], 0);
    assert_int_equal(c.is_core[4], 1);
    lc_clustering_free(&c);

    /* The same with the clusters' indices swapped: still the first-discovered cluster. */
    pairs[count - 2][1] = 8; /* 0 near 8 (cluster {5..8}) and 5 */
    pairs[count - 1][1] = 1; /* and near 1 (cluster {1..4}) */
    cluster_pairs(9, (const int(*)[2])pairs, count, 4, &c);
    assert_labels(&c, expected, 9);
    lc_clustering_free(&c);
}

static void test_chain(void **state)
{
    (void)state;
    /* 0 - 1 - 2 - 3 - 4 - 5: inner points have 3 neighbours, the ends 2. */
    const int chain[][2] = {{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 5}};
    lc_clustering c;
    cluster_pairs(6, chain, 5, 3, &c); /* inner points core, ends border: one cluster */
    const int32_t one_cluster[] = {0, 0, 0, 0, 0, 0};
    assert_int_equal(c.cluster_count, 1);
    assert_labels(&c, one_cluster, 6);
    assert_int_equal(c.is_core[0] + c.is_core[5], 0);
    assert_int_equal(c.is_core[1] + c.is_core[2] + c.is_core[3] + c.is_core[4], 4);
    lc_clustering_free(&c);

    cluster_pairs(6, chain, 5, 4, &c); /* nobody has 4: all noise */
    const int32_t all_noise[] = {NOISE, NOISE, NOISE, NOISE, NOISE, NOISE};
    assert_int_equal(c.cluster_count, 0);
    assert_labels(&c, all_noise, 6);
    lc_clustering_free(&c);

    /* Cut the chain between 2 and 3: two chains of 3, each with only its middle point core. */
    const int cut[][2] = {{0, 1}, {1, 2}, {3, 4}, {4, 5}};
    cluster_pairs(6, cut, 4, 3, &c);
    const int32_t two[] = {0, 0, 0, 1, 1, 1};
    assert_labels(&c, two, 6);
    lc_clustering_free(&c);
}

static void test_cluster_ids_follow_discovery(void **state)
{
    (void)state;
    /* Interleaved clusters {0, 2, 4} and {1, 3, 5}, and point 6 alone. */
    const int pairs[][2] = {{0, 2}, {2, 4}, {0, 4}, {1, 3}, {3, 5}, {1, 5}};
    lc_clustering c;
    cluster_pairs(7, pairs, 6, 2, &c);
    const int32_t expected[] = {0, 1, 0, 1, 0, 1, NOISE};
    assert_labels(&c, expected, 7);
    lc_clustering_free(&c);
}

static void test_min_samples_one_makes_every_point_core(void **state)
{
    (void)state;
    const int pairs[][2] = {{1, 3}};
    lc_clustering c;
    cluster_pairs(5, pairs, 1, 1, &c);
    const int32_t expected[] = {0, 1, 2, 1, 3}; /* singletons are clusters too */
    assert_int_equal(c.cluster_count, 4);
    assert_labels(&c, expected, 5);
    for (int i = 0; i < 5; i++)
        assert_int_equal(c.is_core[i], 1);
    lc_clustering_free(&c);
}

/* Vectors of +-1 in 4 dimensions have norm 2, so after normalisation every entry is +-0.5 and
 * every dot product a multiple of 1/4, all exact in float32: distances are exactly 0, 0.5, 1,
 * 1.5 or 2. a.b = 1/2 here gives a distance of exactly 0.5. */
static const float exact_vectors[] = {
    1, 1, 1, 1,   /* 0 */
    1, 1, 1, -1,  /* 1: distance 0.5 from 0 */
    1, 1, -1, -1, /* 2: distance 1 from 0, 0.5 from 1 */
    -1, -1, -1, -1, /* 3: distance 2 from 0 */
};

static void test_eps_boundary_is_inclusive(void **state)
{
    (void)state;
    const float eps[] = {0.25f, 0.5f, 0.75f};
    lc_neighbor_graph g;
    assert_int_equal(lc_neighbors_self(NULL, exact_vectors, 4, 4, eps, 3, 0, &g), LC_OK);
    /* Row 0 at level 0.5: itself and point 1, whose distance is exactly 0.5. */
    assert_int_equal(lc_neighbor_level_end(&g, 0, 0) - g.offsets[0], 1);
    assert_int_equal(lc_neighbor_level_end(&g, 0, 1) - g.offsets[0], 2);
    assert_true(g.distances[g.offsets[0] + 1] == 0.5f);
    lc_clustering c;
    assert_int_equal(lc_dbscan(&g, 1, 2, &c), LC_OK); /* 0 - 1 - 2 chained at d = 0.5 */
    const int32_t at_half[] = {0, 0, 0, NOISE};
    assert_labels(&c, at_half, 4);
    lc_clustering_free(&c);
    assert_int_equal(lc_dbscan(&g, 0, 2, &c), LC_OK); /* just below: nobody has a neighbour */
    const int32_t below[] = {NOISE, NOISE, NOISE, NOISE};
    assert_labels(&c, below, 4);
    lc_clustering_free(&c);
    lc_neighbor_graph_free(&g);

    /* The same boundary in a precomputed matrix. */
    const float d[] = {0, 0.5f, 0.5000001f, 0.5f, 0, 1, 0.5000001f, 1, 0};
    assert_int_equal(lc_neighbors_from_distances(d, 3, 3, 1, one_eps, 1, &g), LC_OK);
    assert_int_equal(lc_dbscan(&g, 0, 3, &c), LC_OK); /* only point 0 would need 2 (at 0.5) */
    const int32_t none_core[] = {NOISE, NOISE, NOISE};
    assert_labels(&c, none_core, 3);
    lc_clustering_free(&c);
    assert_int_equal(lc_dbscan(&g, 0, 2, &c), LC_OK);
    const int32_t pair[] = {0, 0, NOISE};
    assert_labels(&c, pair, 3);
    lc_clustering_free(&c);
    lc_neighbor_graph_free(&g);
}

static void test_duplicates(void **state)
{
    (void)state;
    /* Three copies of one vector and two of its opposite: min_samples 3 clusters the copies. */
    const float v[] = {0.3f, -1.7f, 2.0f, 0.3f, -1.7f, 2.0f, -0.3f, 1.7f, -2.0f,
                       0.3f, -1.7f, 2.0f, -0.3f, 1.7f, -2.0f};
    const float eps[] = {1e-4f};
    lc_neighbor_graph g;
    lc_clustering c;
    assert_int_equal(lc_neighbors_self(NULL, v, 5, 3, eps, 1, 0, &g), LC_OK);
    assert_int_equal(lc_dbscan(&g, 0, 3, &c), LC_OK);
    const int32_t expected[] = {0, 0, NOISE, 0, NOISE};
    assert_labels(&c, expected, 5);
    lc_clustering_free(&c);
    assert_int_equal(lc_dbscan(&g, 0, 2, &c), LC_OK);
    const int32_t both[] = {0, 0, 1, 0, 1};
    assert_labels(&c, both, 5);
    lc_clustering_free(&c);
    lc_neighbor_graph_free(&g);
}

static void test_representative_is_the_core_point_nearest_the_mean(void **state)
{
    (void)state;
    /* Directions at about -11, 0, 11 and 14 degrees: the mean direction is near +3.5 degrees,
     * closest to point 1. Point 4 is far away and alone. */
    const float v[] = {1, -0.2f, 1, 0, 1, 0.2f, 1, 0.25f, -1, 0};
    const float eps[] = {0.1f};
    lc_neighbor_graph g;
    lc_clustering c;
    assert_int_equal(lc_neighbors_self(NULL, v, 5, 2, eps, 1, 0, &g), LC_OK);
    assert_int_equal(lc_dbscan(&g, 0, 1, &c), LC_OK);
    assert_int_equal(c.cluster_count, 2);
    int32_t representatives[2];
    assert_int_equal(lc_clustering_representatives(&c, v, 2, representatives), LC_OK);
    assert_int_equal(representatives[0], 1);
    assert_int_equal(representatives[1], 4);
    lc_clustering_free(&c);
    lc_neighbor_graph_free(&g);

    /* Mirror images about the mean are equally close to it, exactly: the lower index wins. */
    const float mirrored[] = {1, 0.1f, 1, -0.1f};
    assert_int_equal(lc_neighbors_self(NULL, mirrored, 2, 2, eps, 1, 0, &g), LC_OK);
    assert_int_equal(lc_dbscan(&g, 0, 1, &c), LC_OK);
    assert_int_equal(c.cluster_count, 1);
    assert_int_equal(lc_clustering_representatives(&c, mirrored, 2, representatives), LC_OK);
    assert_int_equal(representatives[0], 0);
    lc_clustering_free(&c);
    lc_neighbor_graph_free(&g);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    const int pairs[][2] = {{0, 1}};
    lc_neighbor_graph g;
    lc_clustering c;
    graph_of_pairs(2, pairs, 1, &g);
    assert_int_equal(lc_dbscan(&g, 0, 0, &c), LC_ERR_INVALID);
    assert_int_equal(lc_dbscan(&g, 1, 2, &c), LC_ERR_INVALID);
    lc_neighbor_graph_free(&g);
    const float d[] = {0.1f, 0.2f};
    assert_int_equal(lc_neighbors_from_distances(d, 1, 2, 0, one_eps, 1, &g), LC_OK);
    assert_int_equal(lc_dbscan(&g, 0, 1, &c), LC_ERR_INVALID); /* not a self graph */
    lc_neighbor_graph_free(&g);
    assert_int_equal(lc_neighbors_from_distances(NULL, 0, 0, 1, one_eps, 1, &g), LC_OK);
    assert_int_equal(lc_dbscan(&g, 0, 1, &c), LC_ERR_INVALID);
    assert_non_null(strstr(lc_last_error(), "no points"));
    lc_neighbor_graph_free(&g);
}

/* ---- assignment ---------------------------------------------------------------------------- */

/* Training points 0..6 with cliques {0, 1, 6} and {2, 3, 4}, and 5 near 4 only. With
 * min_samples 3 every clique member is core; 5 (neighbours 4 and itself) is a border point.
 * Clusters: {0, 1, 6} -> 0 (seed 0), {2, 3, 4, 5} -> 1. */
static void training_clustering(lc_clustering *c)
{
    const int pairs[][2] = {{0, 1}, {0, 6}, {1, 6}, {2, 3}, {2, 4}, {3, 4}, {4, 5}};
    cluster_pairs(7, pairs, 7, 3, c);
    const int32_t expected[] = {0, 0, 1, 1, 1, 1, 0};
    assert_labels(c, expected, 7);
    assert_int_equal(c->is_core[5], 0);
}

static void test_first_core_versus_nearest_core(void **state)
{
    (void)state;
    lc_clustering c;
    training_clustering(&c);
    /* Query 0: core 1 (cluster 0) at 0.3, core 3 (cluster 1) at 0.1.
     * Query 1: only the border point 5 is near (0.05): noise under both rules.
     * Query 2: core 4 at exactly eps (0.25 at level 0): not below eps -> noise; at level 1
     *          (eps 0.5) both core 4 and core 6 are below: first = 4 (cluster 1), nearest = 6. */
    const float eps[] = {0.25f, 0.5f};
    const float d[3 * 7] = {
        1, 0.3f, 1, 0.1f, 1, 1, 1,
        1, 1, 1, 1, 1, 0.05f, 1,
        1, 1, 1, 1, 0.25f, 1, 0.125f,
    };
    lc_neighbor_graph cross;
    assert_int_equal(lc_neighbors_from_distances(d, 3, 7, 0, eps, 2, &cross), LC_OK);
    int32_t labels[3];
    assert_int_equal(lc_assign(&cross, 1, &c, LC_ASSIGN_FIRST_CORE, labels), LC_OK);
    const int32_t first[] = {0, NOISE, 1};
    assert_memory_equal(labels, first, sizeof first);
    assert_int_equal(lc_assign(&cross, 1, &c, LC_ASSIGN_NEAREST_CORE, labels), LC_OK);
    const int32_t nearest[] = {1, NOISE, 0};
    assert_memory_equal(labels, nearest, sizeof nearest);
    assert_int_equal(lc_assign(&cross, 0, &c, LC_ASSIGN_FIRST_CORE, labels), LC_OK);
    const int32_t strict[] = {1, NOISE, 0}; /* query 0: 0.1 < 0.25 only core 3; query 2: 6 */
    assert_memory_equal(labels, strict, sizeof strict);
    lc_neighbor_graph_free(&cross);

    const float exact_d[7] = {1, 1, 1, 1, 0.25f, 1, 1};
    assert_int_equal(lc_neighbors_from_distances(exact_d, 1, 7, 0, eps, 1, &cross), LC_OK);
    assert_int_equal(lc_assign(&cross, 0, &c, LC_ASSIGN_NEAREST_CORE, labels), LC_OK);
    assert_int_equal(labels[0], NOISE); /* d = eps exactly is not < eps */
    assert_int_equal(lc_assign(&cross, 0, &c, 7, labels), LC_ERR_INVALID);
    lc_neighbor_graph_free(&cross);

    const float wrong_width[3] = {0, 0, 0};
    assert_int_equal(lc_neighbors_from_distances(wrong_width, 1, 3, 0, eps, 1, &cross), LC_OK);
    assert_int_equal(lc_assign(&cross, 0, &c, LC_ASSIGN_FIRST_CORE, labels), LC_ERR_INVALID);
    lc_neighbor_graph_free(&cross);
    lc_clustering_free(&c);
}

static void test_assign_vectors(void **state)
{
    (void)state;
    /* Train on the exact vectors at eps 0.75 with min_samples 2: 0, 1, 2 form cluster 0
     * (0-1 and 1-2 at 0.5), 3 is noise. Queries: a copy of 3 (no core near), a copy of 2
     * (distance 0 to core 2), and (1,1,-1,1) at 0.5 from 0 and 1. */
    const float eps[] = {0.75f};
    lc_neighbor_graph g;
    lc_clustering c;
    assert_int_equal(lc_neighbors_self(NULL, exact_vectors, 4, 4, eps, 1, 0, &g), LC_OK);
    assert_int_equal(lc_dbscan(&g, 0, 2, &c), LC_OK);
    const int32_t expected[] = {0, 0, 0, NOISE};
    assert_labels(&c, expected, 4);
    const float queries[] = {-1, -1, -1, -1, 1, 1, -1, -1, 1, 1, -1, 1};
    int32_t labels[3];
    assert_int_equal(lc_assign_vectors(NULL, queries, 3, exact_vectors, 4, &c, 0.75f,
                                       LC_ASSIGN_FIRST_CORE, labels),
                     LC_OK);
    const int32_t placed[] = {NOISE, 0, 0};
    assert_memory_equal(labels, placed, sizeof placed);
    /* At eps 0.5 exactly, the third query's nearest cores are at 0.5: not below -> noise. */
    assert_int_equal(lc_assign_vectors(NULL, queries, 3, exact_vectors, 4, &c, 0.5f,
                                       LC_ASSIGN_NEAREST_CORE, labels),
                     LC_OK);
    const int32_t strict[] = {NOISE, 0, NOISE};
    assert_memory_equal(labels, strict, sizeof strict);
    lc_clustering_free(&c);
    lc_neighbor_graph_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_border_point_reachable_from_two_clusters),
        cmocka_unit_test(test_chain),
        cmocka_unit_test(test_cluster_ids_follow_discovery),
        cmocka_unit_test(test_min_samples_one_makes_every_point_core),
        cmocka_unit_test(test_eps_boundary_is_inclusive),
        cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_representative_is_the_core_point_nearest_the_mean),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_first_core_versus_nearest_core),
        cmocka_unit_test(test_assign_vectors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
