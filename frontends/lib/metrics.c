#include "metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dbscan.h"
#include "lstmcorr/engine.h"

/* Distinct incident labels, ascending, so counts can live in dense arrays indexed by rank. */
typedef struct label_set {
    int32_t *values;
    int64_t count;
} label_set;

static int compare_int32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* The labels of both arrays and benign, which noise predicts even where no alert is benign. */
static lc_status label_set_build(label_set *set, const int32_t *first, int64_t first_count,
                                 const int32_t *second, int64_t second_count)
{
    int64_t total = first_count + second_count + 1;
    set->values = malloc((size_t)total * sizeof(int32_t));
    if (set->values == NULL)
        return lc_fail(LC_ERR_NOMEM, "metrics: out of memory");
    memcpy(set->values, first, (size_t)first_count * sizeof(int32_t));
    if (second_count > 0)
        memcpy(set->values + first_count, second, (size_t)second_count * sizeof(int32_t));
    set->values[total - 1] = LC_BENIGN_ID;
    qsort(set->values, (size_t)total, sizeof(int32_t), compare_int32);
    int64_t unique = 0;
    for (int64_t i = 0; i < total; i++)
        if (unique == 0 || set->values[unique - 1] != set->values[i])
            set->values[unique++] = set->values[i];
    set->count = unique;
    return LC_OK;
}

static int64_t label_rank(const label_set *set, int32_t value)
{
    const int32_t *at = bsearch(&value, set->values, (size_t)set->count, sizeof(int32_t),
                                compare_int32);
    return at - set->values;
}

/* table[(c + 1) * labels + rank(k)] = alerts of incident k in cluster c (c = -1: noise). */
typedef struct contingency {
    label_set labels;
    int64_t *table;
    int64_t *cluster_sizes; /* [cluster_count + 1], noise first */
    int64_t *label_counts;  /* [labels.count] */
    int64_t cluster_count;
} contingency;

static void contingency_free(contingency *t)
{
    free(t->labels.values);
    free(t->table);
    free(t->cluster_sizes);
    free(t->label_counts);
}

static lc_status contingency_build(contingency *t, const int32_t *incidents,
                                   const int32_t *clusters, int64_t n, int32_t cluster_count,
                                   const int32_t *extra_labels, int64_t extra_count)
{
    memset(t, 0, sizeof *t);
    if (incidents == NULL || clusters == NULL)
        return lc_fail(LC_ERR_INVALID, "metrics: NULL labels");
    if (n <= 0)
        return lc_fail(LC_ERR_INVALID, "metrics: no alerts");
    if (cluster_count < 0)
        return lc_fail(LC_ERR_INVALID, "metrics: cluster count %d", (int)cluster_count);
    for (int64_t i = 0; i < n; i++)
        if (clusters[i] < LC_NOISE || clusters[i] >= cluster_count)
            return lc_fail(LC_ERR_INVALID, "metrics: alert %lld has cluster %d, not in -1..%d",
                           (long long)i, (int)clusters[i], (int)cluster_count - 1);
    LC_TRY(label_set_build(&t->labels, incidents, n, extra_labels, extra_count));
    const int64_t labels = t->labels.count, rows = (int64_t)cluster_count + 1;
    t->cluster_count = cluster_count;
    t->table = calloc((size_t)rows * (size_t)labels, sizeof(int64_t));
    t->cluster_sizes = calloc((size_t)rows, sizeof(int64_t));
    t->label_counts = calloc((size_t)labels, sizeof(int64_t));
    if (t->table == NULL || t->cluster_sizes == NULL || t->label_counts == NULL) {
        contingency_free(t);
        return lc_fail(LC_ERR_NOMEM, "metrics: out of memory for %lld clusters x %lld labels",
                       (long long)rows, (long long)labels);
    }
    for (int64_t i = 0; i < n; i++) {
        int64_t k = label_rank(&t->labels, incidents[i]), c = (int64_t)clusters[i] + 1;
        t->table[c * labels + k]++;
        t->cluster_sizes[c]++;
        t->label_counts[k]++;
    }
    return LC_OK;
}

lc_status lc_map_clusters(const int32_t *incidents, const int32_t *clusters, int64_t n,
                          int32_t cluster_count, int32_t *incident_of_cluster)
{
    if (incident_of_cluster == NULL && cluster_count > 0)
        return lc_fail(LC_ERR_INVALID, "cluster mapping: NULL output");
    contingency t;
    LC_TRY(contingency_build(&t, incidents, clusters, n, cluster_count, NULL, 0));
    const int64_t labels = t.labels.count;
    for (int64_t c = 0; c < cluster_count; c++) {
        const int64_t *row = t.table + (c + 1) * labels;
        int64_t best = -1;
        /* Ascending labels with >=: a tie goes to the larger label. score = row[k] / count[k];
         * a >= b  <=>  row[k] * count[b] >= row[b] * count[k] (counts are positive). */
        for (int64_t k = 0; k < labels; k++) {
            if (row[k] == 0)
                continue;
            if (best < 0 || row[k] * t.label_counts[best] >= row[best] * t.label_counts[k])
                best = k;
        }
        incident_of_cluster[c] = best < 0 ? LC_BENIGN_ID : t.labels.values[best];
    }
    contingency_free(&t);
    return LC_OK;
}

static double entropy_term(int64_t part, int64_t whole, int64_t n)
{
    return part == 0 ? 0.0 : -((double)part / (double)n) * log((double)part / (double)whole);
}

lc_status lc_cluster_metrics_compute(const int32_t *incidents, const int32_t *clusters,
                                     int64_t n, int32_t cluster_count,
                                     const int32_t *incident_of_cluster,
                                     lc_cluster_metrics *out)
{
    if (out == NULL || (incident_of_cluster == NULL && cluster_count > 0))
        return lc_fail(LC_ERR_INVALID, "metrics: NULL argument");
    memset(out, 0, sizeof *out);
    /* The mapped incidents join the label set: a prediction may name an incident absent here. */
    contingency t;
    LC_TRY(contingency_build(&t, incidents, clusters, n, cluster_count, incident_of_cluster,
                             cluster_count));
    const int64_t labels = t.labels.count;
    const int64_t benign = label_rank(&t.labels, LC_BENIGN_ID);
    int64_t *predicted = calloc((size_t)labels, sizeof(int64_t));
    int64_t *correct = calloc((size_t)labels, sizeof(int64_t));
    int64_t *mapped_rank = malloc(((size_t)cluster_count + 1) * sizeof(int64_t));
    if (predicted == NULL || correct == NULL || mapped_rank == NULL) {
        free(predicted);
        free(correct);
        free(mapped_rank);
        contingency_free(&t);
        return lc_fail(LC_ERR_NOMEM, "metrics: out of memory");
    }
    mapped_rank[0] = benign; /* noise predicts benign */
    for (int64_t c = 0; c < cluster_count; c++)
        mapped_rank[c + 1] = label_rank(&t.labels, incident_of_cluster[c]);

    out->alerts = n;
    out->outliers = t.cluster_sizes[0];
    int64_t benign_outliers = t.table[benign], benign_clustered = 0;
    for (int64_t c = 1; c <= cluster_count; c++) {
        if (t.cluster_sizes[c] > 0)
            out->clusters++;
        benign_clustered += t.table[c * labels + benign];
    }
    int64_t groups = out->clusters + (out->outliers > 0 ? 1 : 0);
    out->arf = (double)n / (double)groups;
    out->arf_analyst = (double)n / (double)(out->clusters + out->outliers);
    out->narf = n > 1 ? (out->arf - 1.0) / (double)(n - 1) : 0.0;
    out->faro = out->outliers > 0 ? (double)benign_outliers / (double)out->outliers : 0.0;
    int64_t clustered = n - out->outliers;
    out->farc = clustered > 0 ? (double)benign_clustered / (double)clustered : 0.0;

    /* IMR: an incident only in noise has no factor below 1, so it is missed with probability 1. */
    int64_t incidents_present = 0;
    double miss_sum = 0.0;
    for (int64_t k = 0; k < labels; k++) {
        if (k == benign || t.label_counts[k] == 0)
            continue;
        double miss = 1.0;
        for (int64_t c = 1; c <= cluster_count; c++)
            if (t.table[c * labels + k] > 0)
                miss *= 1.0 - (double)t.table[c * labels + k] / (double)t.cluster_sizes[c];
        miss_sum += miss;
        incidents_present++;
    }
    out->imr = incidents_present > 0 ? miss_sum / (double)incidents_present : 0.0;

    double class_entropy = 0.0, conditional_entropy = 0.0;
    for (int64_t k = 0; k < labels; k++)
        class_entropy += entropy_term(t.label_counts[k], n, n);
    for (int64_t c = 0; c <= cluster_count; c++)
        for (int64_t k = 0; k < labels; k++)
            conditional_entropy += entropy_term(t.table[c * labels + k], t.cluster_sizes[c], n);
    out->homogeneity = class_entropy > 0.0 ? 1.0 - conditional_entropy / class_entropy : 1.0;

    /* Every alert of cluster c is predicted as c's incident: count per predicted label. */
    int64_t total_correct = 0;
    for (int64_t c = 0; c <= cluster_count; c++) {
        int64_t p = mapped_rank[c];
        if (t.cluster_sizes[c] == 0)
            continue;
        predicted[p] += t.cluster_sizes[c];
        correct[p] += t.table[c * labels + p];
        total_correct += t.table[c * labels + p];
    }
    out->accuracy = (double)total_correct / (double)n;
    double precision = 0.0, recall = 0.0, f1 = 0.0;
    for (int64_t k = 0; k < labels; k++) {
        int64_t support = t.label_counts[k];
        if (support == 0)
            continue; /* weight 0 */
        double p = predicted[k] > 0 ? (double)correct[k] / (double)predicted[k] : 0.0;
        double r = (double)correct[k] / (double)support;
        double f = correct[k] > 0 ? 2.0 * (double)correct[k] / (double)(predicted[k] + support)
                                  : 0.0;
        precision += (double)support * p;
        recall += (double)support * r;
        f1 += (double)support * f;
    }
    out->precision = precision / (double)n;
    out->recall = recall / (double)n;
    out->f1 = f1 / (double)n;

    free(predicted);
    free(correct);
    free(mapped_rank);
    contingency_free(&t);
    return LC_OK;
}
