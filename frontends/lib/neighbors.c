#include "neighbors.h"

#include "lstmcorr/distance.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Appends rows of distances to the graph as they arrive, tile by tile. */
typedef struct graph_builder {
    lc_neighbor_graph *graph;
    int64_t capacity; /* entries allocated in indices and distances */
} graph_builder;

static lc_status builder_reserve(graph_builder *b, int64_t needed)
{
    if (needed <= b->capacity)
        return LC_OK;
    int64_t capacity = b->capacity > 0 ? b->capacity : 1024;
    while (capacity < needed)
        capacity *= 2;
    int32_t *indices = realloc(b->graph->indices, (size_t)capacity * sizeof(int32_t));
    if (indices == NULL)
        return lc_fail(LC_ERR_NOMEM, "neighbour graph: out of memory for %lld entries",
                       (long long)capacity);
    b->graph->indices = indices;
    float *distances = realloc(b->graph->distances, (size_t)capacity * sizeof(float));
    if (distances == NULL)
        return lc_fail(LC_ERR_NOMEM, "neighbour graph: out of memory for %lld entries",
                       (long long)capacity);
    b->graph->distances = distances;
    b->capacity = capacity;
    return LC_OK;
}

/* The first level whose eps covers d; the caller has checked d <= the largest eps. */
static int level_of(const lc_neighbor_graph *g, float d)
{
    int k = 0;
    while (d > g->eps[k])
        k++;
    return k;
}

/* Row `row`'s distances to every reference point become its entries, grouped by level with a
 * counting pass and a placing pass (no sort, no scratch). */
static lc_status builder_add_row(graph_builder *b, int64_t row, const float *d)
{
    lc_neighbor_graph *g = b->graph;
    const int levels = g->levels;
    const float largest = g->eps[levels - 1];
    const int64_t self = g->is_self ? row : -1;
    int64_t counts[LC_NEIGHBORS_MAX_LEVELS] = {0};
    for (int64_t j = 0; j < g->cols; j++) {
        if (j == self)
            counts[0]++;
        else if (d[j] <= largest)
            counts[level_of(g, d[j])]++;
    }
    int64_t start = g->offsets[row], cursor[LC_NEIGHBORS_MAX_LEVELS];
    int64_t end = start;
    for (int k = 0; k < levels; k++) {
        cursor[k] = end;
        end += counts[k];
        g->level_ends[row * levels + k] = end;
    }
    LC_TRY(builder_reserve(b, end));
    for (int64_t j = 0; j < g->cols; j++) {
        int k;
        float distance = d[j];
        if (j == self) {
            k = 0;
            distance = 0.0f;
        } else if (distance <= largest) {
            k = level_of(g, distance);
        } else {
            continue;
        }
        g->indices[cursor[k]] = (int32_t)j;
        g->distances[cursor[k]] = distance;
        cursor[k]++;
    }
    g->offsets[row + 1] = end;
    return LC_OK;
}

static lc_status graph_init(lc_neighbor_graph *g, int64_t rows, int64_t cols, int64_t dim,
                            const float *eps, int levels, int is_self)
{
    memset(g, 0, sizeof *g);
    if (rows < 0 || cols < 0 || rows > INT32_MAX || cols > INT32_MAX || dim < 1 || dim > INT32_MAX)
        return lc_fail(LC_ERR_INVALID, "neighbours: bad sizes %lld x %lld points of %lld dims",
                       (long long)rows, (long long)cols, (long long)dim);
    if (eps == NULL || levels < 1 || levels > LC_NEIGHBORS_MAX_LEVELS)
        return lc_fail(LC_ERR_INVALID, "neighbours: need 1 to %d eps values, got %d",
                       LC_NEIGHBORS_MAX_LEVELS, levels);
    for (int k = 0; k < levels; k++) {
        if (!(eps[k] >= 0.0f) || isinf(eps[k]) || (k > 0 && !(eps[k] > eps[k - 1])))
            return lc_fail(LC_ERR_INVALID,
                           "neighbours: eps values must be finite, >= 0 and strictly ascending "
                           "(eps[%d] = %g)",
                           k, (double)eps[k]);
        g->eps[k] = eps[k];
    }
    g->rows = rows;
    g->cols = cols;
    g->levels = levels;
    g->is_self = is_self;
    g->offsets = calloc((size_t)rows + 1, sizeof(int64_t));
    g->level_ends = malloc(((size_t)rows * (size_t)levels + 1) * sizeof(int64_t));
    if (g->offsets == NULL || g->level_ends == NULL) {
        lc_neighbor_graph_free(g);
        return lc_fail(LC_ERR_NOMEM, "neighbours: out of memory for %lld rows", (long long)rows);
    }
    return LC_OK;
}

/* Rows per tile so that one tile of distances is about tile_bytes. */
static int64_t tile_rows(size_t tile_bytes, int64_t rows, int64_t cols)
{
    if (tile_bytes == 0)
        tile_bytes = LC_NEIGHBORS_TILE_BYTES;
    int64_t r = (int64_t)(tile_bytes / sizeof(float) / (size_t)(cols > 0 ? cols : 1));
    if (r < 1)
        r = 1;
    return r < rows ? r : rows;
}

/* Unit rows in float32, scaled in double; a zero row stays zero (as L2_NORMALIZE). */
static float *normalized_copy(const float *x, int64_t rows, int64_t dim)
{
    float *y = malloc((size_t)(rows > 0 ? rows : 1) * (size_t)dim * sizeof(float));
    if (y == NULL)
        return NULL;
    for (int64_t i = 0; i < rows; i++) {
        const float *xi = x + i * dim;
        double sum = 0.0;
        for (int64_t c = 0; c < dim; c++)
            sum += (double)xi[c] * xi[c];
        double scale = sum > 0.0 ? 1.0 / sqrt(sum) : 0.0;
        for (int64_t c = 0; c < dim; c++)
            y[i * dim + c] = (float)(xi[c] * scale);
    }
    return y;
}

static lc_status build_on_host(graph_builder *b, const float *queries, const float *reference,
                               int64_t dim, size_t tile_bytes)
{
    lc_neighbor_graph *g = b->graph;
    float *q = normalized_copy(queries, g->rows, dim);
    float *r = g->is_self ? q : normalized_copy(reference, g->cols, dim);
    int64_t rows_per_tile = tile_rows(tile_bytes, g->rows, g->cols);
    float *tile = malloc((size_t)(rows_per_tile > 0 ? rows_per_tile : 1) *
                         (size_t)(g->cols > 0 ? g->cols : 1) * sizeof(float));
    lc_status status = LC_OK;
    if (q == NULL || r == NULL || tile == NULL)
        status = lc_fail(LC_ERR_NOMEM, "neighbours: out of memory");
    for (int64_t first = 0; status == LC_OK && first < g->rows; first += rows_per_tile) {
        int64_t rows = g->rows - first < rows_per_tile ? g->rows - first : rows_per_tile;
        for (int64_t i = 0; i < rows; i++) {
            const float *qi = q + (first + i) * dim;
            for (int64_t j = 0; j < g->cols; j++) {
                const float *rj = r + j * dim;
                double dot = 0.0;
                for (int64_t c = 0; c < dim; c++)
                    dot += (double)qi[c] * rj[c];
                double d = 1.0 - dot;
                tile[i * g->cols + j] = (float)(d > 0.0 ? d : 0.0);
            }
        }
        for (int64_t i = 0; status == LC_OK && i < rows; i++)
            status = builder_add_row(b, first + i, tile + i * g->cols);
    }
    free(tile);
    if (r != q)
        free(r);
    free(q);
    return status;
}

static lc_status add_tile_rows(void *ctx, int64_t first_row, int64_t rows, const float *tile)
{
    graph_builder *b = ctx;
    for (int64_t i = 0; i < rows; i++)
        LC_TRY(builder_add_row(b, first_row + i, tile + i * b->graph->cols));
    return LC_OK;
}

static lc_status build_on_device(graph_builder *b, lc_dev *dev, const float *queries,
                                 const float *reference, int64_t dim, size_t tile_bytes)
{
    lc_neighbor_graph *g = b->graph;
    return lc_cosine_distances(dev, g->is_self ? NULL : queries, g->rows, reference, g->cols, dim,
                               tile_rows(tile_bytes, g->rows, g->cols), add_tile_rows, b);
}

static lc_status build(lc_dev *dev, const float *queries, int64_t query_count,
                       const float *reference, int64_t reference_count, int64_t dim,
                       const float *eps, int levels, size_t tile_bytes, int is_self,
                       lc_neighbor_graph *out)
{
    if (out == NULL)
        return lc_fail(LC_ERR_INVALID, "neighbours: NULL output");
    LC_TRY(graph_init(out, query_count, reference_count, dim, eps, levels, is_self));
    if ((query_count > 0 && queries == NULL) || (reference_count > 0 && reference == NULL)) {
        lc_neighbor_graph_free(out);
        return lc_fail(LC_ERR_INVALID, "neighbours: NULL vectors");
    }
    graph_builder builder = {out, 0};
    lc_status status = builder_reserve(&builder, query_count > 0 ? query_count : 1);
    if (status == LC_OK && query_count > 0 && reference_count > 0)
        status = dev != NULL
                     ? build_on_device(&builder, dev, queries, reference, dim, tile_bytes)
                     : build_on_host(&builder, queries, reference, dim, tile_bytes);
    else if (status == LC_OK) /* no reference points: every row is empty */
        memset(out->level_ends, 0, (size_t)query_count * (size_t)levels * sizeof(int64_t));
    if (status != LC_OK)
        lc_neighbor_graph_free(out);
    return status;
}

lc_status lc_neighbors_self(lc_dev *dev, const float *vectors, int64_t n, int64_t dim,
                            const float *eps, int levels, size_t tile_bytes,
                            lc_neighbor_graph *out)
{
    return build(dev, vectors, n, vectors, n, dim, eps, levels, tile_bytes, 1, out);
}

lc_status lc_neighbors_cross(lc_dev *dev, const float *queries, int64_t query_count,
                             const float *reference, int64_t reference_count, int64_t dim,
                             const float *eps, int levels, size_t tile_bytes,
                             lc_neighbor_graph *out)
{
    return build(dev, queries, query_count, reference, reference_count, dim, eps, levels,
                 tile_bytes, 0, out);
}

lc_status lc_neighbors_from_distances(const float *distances, int64_t rows, int64_t cols,
                                      int is_self, const float *eps, int levels,
                                      lc_neighbor_graph *out)
{
    if (out == NULL)
        return lc_fail(LC_ERR_INVALID, "neighbours: NULL output");
    if (is_self && rows != cols)
        return lc_fail(LC_ERR_INVALID, "neighbours: a self graph needs a square matrix, not "
                       "%lld x %lld", (long long)rows, (long long)cols);
    LC_TRY(graph_init(out, rows, cols, 1, eps, levels, is_self != 0));
    if (distances == NULL && rows > 0 && cols > 0) {
        lc_neighbor_graph_free(out);
        return lc_fail(LC_ERR_INVALID, "neighbours: NULL distances");
    }
    graph_builder builder = {out, 0};
    lc_status status = builder_reserve(&builder, rows > 0 ? rows : 1);
    for (int64_t i = 0; status == LC_OK && i < rows; i++)
        status = builder_add_row(&builder, i, distances + i * cols);
    if (status != LC_OK)
        lc_neighbor_graph_free(out);
    return status;
}

void lc_neighbor_graph_free(lc_neighbor_graph *graph)
{
    if (graph == NULL)
        return;
    free(graph->offsets);
    free(graph->level_ends);
    free(graph->indices);
    free(graph->distances);
    graph->offsets = graph->level_ends = NULL;
    graph->indices = NULL;
    graph->distances = NULL;
}

int lc_neighbor_graph_level(const lc_neighbor_graph *graph, double eps)
{
    for (int k = 0; k < graph->levels; k++)
        if (graph->eps[k] == (float)eps)
            return k;
    return -1;
}
