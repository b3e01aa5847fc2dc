/*
 * Identical vectors, counted once. Alert streams repeat themselves (the same alert text, hence
 * the same vector, thousands of times); clustering the distinct vectors with their counts as
 * weights gives exactly the clustering of all of them, with neighbour lists of the distinct ones.
 */
#ifndef LSTMCORR_UNIQUE_ROWS_H
#define LSTMCORR_UNIQUE_ROWS_H

#include <stdint.h>

#include "lstmcorr/status.h"

typedef struct lc_unique_rows {
    int64_t count;    /* distinct rows */
    int64_t *first;   /* [count] index of each distinct row's first occurrence (ascending) */
    int64_t *of;      /* [n] the distinct row each row equals */
    int32_t *weight;  /* [count] how many rows equal it */
} lc_unique_rows;

/* Group the n rows (n x dim float32) by exact bit pattern; distinct rows are numbered in order of
 * first occurrence, so index order among them is the order of their first rows. A zero row is
 * never merged (zero vectors are at distance 1 from each other). */
lc_status lc_unique_rows_build(const float *rows, int64_t n, int64_t dim, lc_unique_rows *out);
/* The distinct rows, in their order (count x dim, malloc'ed into *out). */
lc_status lc_unique_rows_gather(const lc_unique_rows *u, const float *rows, int64_t dim, float **out);
void lc_unique_rows_free(lc_unique_rows *u);

#endif
