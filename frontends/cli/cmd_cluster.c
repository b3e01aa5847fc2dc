/* lstmcorr cluster: embed alerts with a model, DBSCAN on cosine distance, one line per alert and
 * per cluster; optionally place new alerts into the clustering. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assign.h"
#include "atomic_file.h"
#include "cli_data.h"
#include "cli_model.h"
#include "cli_util.h"
#include "commands.h"
#include "dbscan.h"
#include "metrics.h"
#include "unique_rows.h"

typedef enum { OUT_JSON, OUT_CSV } out_format;

/* A quoted CSV field. On a terminal, control bytes and invalid UTF-8 (attacker-written alert
 * text) are shown as \xNN instead of being sent raw; a file gets the bytes as they were. */
static void csv_field(FILE *out, const char *s)
{
    int terminal = isatty(fileno(out));
    fputc('"', out);
    while (*s) {
        size_t n = strcspn(s, "\"");
        if (terminal)
            lc_write_escaped(out, s, n);
        else
            fwrite(s, 1, n, out);
        s += n;
        if (*s == '"') {
            fputs("\"\"", out);
            s++;
        }
    }
    fputc('"', out);
}

static const char *incident_name(const lc_cli_dataset *d, int32_t id)
{
    return id >= 0 && (size_t)id < d->ids.count ? d->ids.names[id] : "benign";
}

/* Unlabelled input (fast.log, EVE, or nothing but benign) has no incident to show. */
static int labelled(const lc_cli_dataset *d)
{
    return d->ids.count > 0;
}

static void write_alert(FILE *out, out_format f, const char *kind, int64_t index, int32_t cluster, int core,
                        const lc_cli_dataset *d, int64_t alert)
{
    const lc_alert *a = &d->alerts.alerts[alert];
    if (f == OUT_JSON) {
        fprintf(out, "{\"type\":\"%s\",\"index\":%lld,\"cluster\":%d,\"core\":%s,\"incident\":", kind,
                (long long)index, cluster, core ? "true" : "false");
        if (labelled(d))
            lc_json_string(out, a->incident);
        else
            fprintf(out, "null");
        fprintf(out, ",\"alert\":");
        lc_json_string(out, a->text);
        fprintf(out, "}\n");
    } else {
        fprintf(out, "%s,%lld,%d,%d,", kind, (long long)index, cluster, core);
        csv_field(out, labelled(d) ? a->incident : "");
        fputc(',', out);
        csv_field(out, a->text);
        fputc('\n', out);
    }
}

static void print_help(void)
{
    printf("usage: lstmcorr cluster --model M --data FILE --eps E --min-samples K [options]\n\n"
           "Embeds the alerts with the model and clusters them with DBSCAN on cosine distance\n"
           "(neighbours at distance <= eps, a point counts itself). Writes one record per alert\n"
           "(type alert: its cluster, -1 = noise) and one per cluster (type cluster: size, the\n"
           "representative alert = the core point closest to the cluster's mean, and the mapped\n"
           "incident when the data has labels).\n\n"
           "options:\n"
           "  --output-format F json (JSON lines, default) or csv\n"
           "  -o FILE           write there (atomically) instead of stdout\n"
           "  --assign NEW      also place the alerts of NEW into the clustering (type assigned)\n"
           "  --rule R          for --assign: first (first core point in index order at distance\n"
           "                    < eps, the prototype's rule, default) or nearest\n"
           "  --device D        cpu:0 (default), opencl:0, cuda:0\n"
           "%s",
           lc_cli_read_help);
}

int lc_cmd_cluster(int argc, char **argv)
{
    const char *cmd = "cluster", *model_path = NULL, *data_path = NULL, *assign_path = NULL, *out_path = NULL;
    const char *device = "cpu:0";
    double eps = -1;
    long min_samples = -1;
    out_format format = OUT_JSON;
    lc_assign_rule rule = LC_ASSIGN_FIRST_CORE;
    lc_cli_read r;
    lc_cli_read_defaults(&r);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int used;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            print_help();
            return LC_EXIT_OK;
        }
        if ((used = lc_cli_read_option(cmd, argc, argv, &i, &r)) != 0) {
            if (used < 0)
                return LC_EXIT_USAGE;
            continue;
        }
        if (i + 1 >= argc)
            return lc_usage_error(cmd, "unknown option '%s' (or it needs a value)", a);
        const char *v = argv[++i];
        if (strcmp(a, "--model") == 0)
            model_path = v;
        else if (strcmp(a, "--data") == 0)
            data_path = v;
        else if (strcmp(a, "--assign") == 0)
            assign_path = v;
        else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0)
            out_path = v;
        else if (strcmp(a, "--device") == 0)
            device = v;
        else if (strcmp(a, "--eps") == 0) {
            if (lc_parse_double(cmd, a, v, 0, 2, &eps) != 0)
                return LC_EXIT_USAGE;
        } else if (strcmp(a, "--min-samples") == 0) {
            if (lc_parse_long(cmd, a, v, 1, 1L << 30, &min_samples) != 0)
                return LC_EXIT_USAGE;
        } else if (strcmp(a, "--output-format") == 0) {
            if (strcmp(v, "json") == 0)
                format = OUT_JSON;
            else if (strcmp(v, "csv") == 0)
                format = OUT_CSV;
            else
                return lc_usage_error(cmd, "unknown --output-format '%s' (json, csv)", v);
        } else if (strcmp(a, "--rule") == 0) {
            if (lc_cli_parse_rule(cmd, v, &rule) != 0)
                return LC_EXIT_USAGE;
        } else
            return lc_usage_error(cmd, "unknown option '%s'", a);
    }
    if (model_path == NULL || data_path == NULL || eps < 0 || min_samples < 1)
        return lc_usage_error(cmd, "--model, --data, --eps and --min-samples are required");

    lc_engine *engine = NULL;
    lc_dev *dev = NULL;
    lc_session *session = NULL;
    lc_cli_dataset data = {0}, extra = {0};
    float *vectors = NULL, *extra_vectors = NULL;
    lc_neighbor_graph graph = {0};
    lc_clustering clustering = {0}, grouped = {0};
    lc_unique_rows unique = {0};
    float *distinct = NULL;
    int32_t *reps = NULL, *mapping = NULL, *assigned = NULL;
    char *text = NULL;
    size_t text_len = 0;
    FILE *out = NULL;
    int rc = LC_EXIT_FAILURE;
    lc_net_config net;
    if (lc_cli_open_model(cmd, device, model_path, &r, &engine, &dev, &net, &session) != 0)
        goto done;
    if (lc_cli_dataset_load(cmd, data_path, &r, &data) != 0 ||
        (assign_path && lc_cli_dataset_load(cmd, assign_path, &r, &extra) != 0))
        goto done;
    if (data.alerts.count == 0) {
        lc_run_error(cmd, "%s has no alerts", data_path);
        goto done;
    }
    int H = lc_net_output_size(&net);
    int64_t n = (int64_t)data.alerts.count;
    float level = (float)eps;
    if ((vectors = lc_cli_embed_dataset(cmd, &net, session, &data, 4096)) == NULL ||
        (assign_path && (extra_vectors = lc_cli_embed_dataset(cmd, &net, session, &extra, 4096)) == NULL))
        goto done;
    /* Identical vectors (repeated alerts) are clustered once, weighted by their count. */
    if (lc_unique_rows_build(vectors, n, H, &unique) != LC_OK ||
        lc_unique_rows_gather(&unique, vectors, H, &distinct) != LC_OK ||
        lc_neighbors_self(dev, distinct, unique.count, H, &level, 1, 0, &graph) != LC_OK ||
        lc_dbscan_weighted(&graph, 0, min_samples, unique.weight, &grouped) != LC_OK ||
        lc_clustering_expand(&grouped, unique.of, n, &clustering) != LC_OK) {
        lc_run_error(cmd, "%s", lc_last_error());
        goto done;
    }
    int32_t k = clustering.cluster_count;
    reps = malloc((size_t)(k ? k : 1) * sizeof *reps);
    mapping = malloc((size_t)(k ? k : 1) * sizeof *mapping);
    assigned = malloc((extra.alerts.count ? extra.alerts.count : 1) * sizeof *assigned);
    if (!reps || !mapping || !assigned ||
        lc_clustering_representatives(&clustering, vectors, H, reps) != LC_OK ||
        lc_map_clusters(data.labels, clustering.labels, n, k, mapping) != LC_OK ||
        (assign_path && extra.alerts.count &&
         lc_assign_vectors(dev, extra_vectors, (int64_t)extra.alerts.count, distinct, H, &grouped, level, rule,
                           assigned) != LC_OK)) {
        lc_run_error(cmd, "%s", reps && mapping && assigned ? lc_last_error() : "out of memory");
        goto done;
    }
    out = out_path ? open_memstream(&text, &text_len) : stdout;
    if (out == NULL) {
        lc_run_error(cmd, "out of memory");
        goto done;
    }
    if (format == OUT_CSV)
        fprintf(out, "type,index,cluster,core_or_size,incident,alert\n");
    for (int64_t i = 0; i < n; i++)
        write_alert(out, format, "alert", i, clustering.labels[i], clustering.is_core[i], &data, i);
    for (int32_t c = 0; c < k; c++) {
        int64_t size = 0;
        for (int64_t i = 0; i < n; i++)
            size += clustering.labels[i] == c;
        const lc_alert *rep = &data.alerts.alerts[reps[c]];
        if (format == OUT_JSON) {
            fprintf(out, "{\"type\":\"cluster\",\"cluster\":%d,\"size\":%lld,\"representative\":%d,\"alert\":", c,
                    (long long)size, reps[c]);
            lc_json_string(out, rep->text);
            fprintf(out, ",\"incident\":");
            if (labelled(&data))
                lc_json_string(out, incident_name(&data, mapping[c]));
            else
                fprintf(out, "null");
            fprintf(out, "}\n");
        } else {
            fprintf(out, "cluster,%d,%d,%lld,", reps[c], c, (long long)size);
            csv_field(out, labelled(&data) ? incident_name(&data, mapping[c]) : "");
            fputc(',', out);
            csv_field(out, rep->text);
            fputc('\n', out);
        }
    }
    for (size_t i = 0; i < extra.alerts.count; i++)
        write_alert(out, format, "assigned", (int64_t)i, assigned[i], 0, &extra, (int64_t)i);
    int64_t noise = 0;
    for (int64_t i = 0; i < n; i++)
        noise += clustering.labels[i] == LC_NOISE;
    if (out_path) {
        fclose(out);
        out = NULL;
        if (lc_atomic_file_write(out_path, text, text_len) != LC_OK) {
            lc_run_error(cmd, "%s", lc_last_error());
            goto done;
        }
    } else if (fflush(stdout) != 0) {
        lc_run_error(cmd, "error writing the output");
        goto done;
    }
    fprintf(stderr, "%lld alerts: %d clusters, %lld noise (eps %g, min_samples %ld): %.1f alerts per item read\n",
            (long long)n, k, (long long)noise, eps, min_samples,
            (double)n / (double)(k + noise > 0 ? k + noise : 1));
    rc = LC_EXIT_OK;
done:
    if (out && out != stdout)
        fclose(out);
    free(text);
    free(reps);
    free(mapping);
    free(assigned);
    free(vectors);
    free(extra_vectors);
    lc_clustering_free(&clustering);
    lc_clustering_free(&grouped);
    lc_unique_rows_free(&unique);
    free(distinct);
    lc_neighbor_graph_free(&graph);
    lc_cli_dataset_free(&data);
    lc_cli_dataset_free(&extra);
    lc_session_free(session);
    lc_dev_close(dev);
    lc_engine_close(engine);
    return rc;
}
