/*
 * Cluster -> incident mapping and the quality metrics of a clustering, as in shared/method.md.
 *
 * Labels are integers: an incident id for each alert, LC_BENIGN_ID (-1) for benign alerts (the
 * caller maps incident names to ids); cluster ids 0..cluster_count-1, LC_NOISE (-1) for noise.
 * "Larger label" in the mapper's tie rule is the larger integer, so benign (-1) loses every tie.
 */
#ifndef LSTMCORR_METRICS_H
#define LSTMCORR_METRICS_H

#include <stdint.h>

#include "lstmcorr/status.h"

#define LC_BENIGN_ID (-1)

/*
 * For each cluster c the incident k with the highest score count(k in c) / count(k), where
 * count(k) counts incident k over all n alerts (noise included); ties: the larger label.
 * Scores are compared exactly (as integer cross products). A cluster with no alert here maps to
 * benign. incident_of_cluster: [cluster_count]. Noise always maps to benign (not stored).
 */
lc_status lc_map_clusters(const int32_t *incidents, const int32_t *clusters, int64_t n,
                          int32_t cluster_count, int32_t *incident_of_cluster);

typedef struct lc_cluster_metrics {
    int64_t alerts;      /* N */
    int64_t clusters;    /* distinct non-noise cluster ids among the alerts */
    int64_t outliers;    /* noise alerts */
    double arf;          /* N / (clusters + 1 if any noise): noise is one group */
    double arf_analyst;  /* N / (clusters + outliers): each noise alert is its own item */
    double narf;         /* (arf - 1) / (N - 1); 0 when N = 1 */
    double imr;          /* mean over the non-benign incidents present of miss(k) =
                            prod over clusters c (1 - n(c,k) / size(c)); 0 if none present */
    double faro;         /* benign outliers / outliers; 0 without outliers */
    double farc;         /* benign clustered alerts / clustered alerts; 0 without any */
    double homogeneity;  /* 1 - H(incident | cluster) / H(incident), noise one cluster;
                            1 when H(incident) = 0 (one class), as scikit-learn */
    double accuracy;     /* share of alerts whose mapped incident is their incident */
    double precision;    /* scikit-learn 'weighted' average over the labels of truth and */
    double recall;       /*   prediction, weights = true counts, zero_division = 0 */
    double f1;
} lc_cluster_metrics;

/* Metrics of n alerts with their true incidents and clusters, predicting for each alert the
 * incident of its cluster (incident_of_cluster, e.g. from lc_map_clusters on the training
 * alerts) and benign for noise. n = 0 is an error. */
lc_status lc_cluster_metrics_compute(const int32_t *incidents, const int32_t *clusters,
                                     int64_t n, int32_t cluster_count,
                                     const int32_t *incident_of_cluster,
                                     lc_cluster_metrics *out);

#endif
