/* Rows as a Markdown table, CSV (RFC 4180), a JSON array or JSON lines. Field names are the
 * contract of README.md and of `lstmcorr-bench compare`. */
#include <math.h>
#include <string.h>

#include "bench.h"

void bench_json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", out);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

static double per_second(const bench_row *r)
{
    return r->c.items > 0 && r->stats.median_s > 0 ? r->c.items / r->stats.median_s : NAN;
}

static double gflops(const bench_row *r)
{
    return r->c.flops > 0 && r->stats.median_s > 0 ? r->c.flops / r->stats.median_s * 1e-9 : NAN;
}

/* "n=4096 hidden=64" */
static void params_text(const bench_case *c, char *out, size_t size)
{
    out[0] = '\0';
    for (int k = 0; k < c->param_count; k++) {
        size_t len = strlen(out);
        snprintf(out + len, size - len, "%s%s=%s", k ? " " : "", c->params[k].key, c->params[k].value);
    }
}

static void json_number(FILE *out, double v)
{
    if (isfinite(v))
        fprintf(out, "%.6g", v);
    else
        fputs("null", out);
}

static void json_row(FILE *out, const bench_row *r)
{
    fputs("{\"workload\":", out);
    bench_json_string(out, r->workload);
    fputs(",\"device\":", out);
    bench_json_string(out, r->device);
    fputs(",\"backend\":", out);
    bench_json_string(out, r->backend);
    fputs(",\"device_name\":", out);
    bench_json_string(out, r->info.name);
    fputs(",\"params\":{", out);
    for (int k = 0; k < r->c.param_count; k++) {
        fputs(k ? "," : "", out);
        bench_json_string(out, r->c.params[k].key);
        fputc(':', out);
        if (r->c.params[k].is_number)
            fputs(r->c.params[k].value, out);
        else
            bench_json_string(out, r->c.params[k].value);
    }
    fprintf(out, "},\"reps\":%d,\"min_s\":", r->stats.reps);
    json_number(out, r->stats.min_s);
    fputs(",\"median_s\":", out);
    json_number(out, r->stats.median_s);
    fputs(",\"max_s\":", out);
    json_number(out, r->stats.max_s);
    fputs(",\"per_s\":", out);
    json_number(out, per_second(r));
    fputs(",\"gflops\":", out);
    json_number(out, gflops(r));
    fputs(",\"first_call_s\":", out);
    json_number(out, r->stats.first_call_s);
    fprintf(out, ",\"threads\":%d,\"commit\":", r->threads);
    bench_json_string(out, LSTMCORR_COMMIT);
    fputs(",\"versions\":{\"plugin\":", out);
    bench_json_string(out, r->plugin_version);
    fputs(",\"driver\":", out);
    bench_json_string(out, r->info.driver_version);
    fputs(",\"api\":", out);
    bench_json_string(out, r->info.api_version);
    fputs(",\"libraries\":", out);
    bench_json_string(out, r->info.libraries);
    fputs("},\"extra\":{", out);
    for (int k = 0; k < r->c.extra_count; k++) {
        fputs(k ? "," : "", out);
        bench_json_string(out, r->c.extras[k].key);
        fputc(':', out);
        json_number(out, r->c.extras[k].value);
    }
    fputs("},\"note\":", out);
    bench_json_string(out, r->c.note);
    fputc('}', out);
}

/* A CSV field, quoted when it holds a comma, quote or line break. */
static void csv_field(FILE *out, const char *s, int last)
{
    if (strpbrk(s, ",\"\r\n")) {
        fputc('"', out);
        for (const char *p = s; *p; p++) {
            if (*p == '"')
                fputc('"', out);
            fputc(*p, out);
        }
        fputc('"', out);
    } else {
        fputs(s, out);
    }
    fputc(last ? '\n' : ',', out);
}

static void csv_number(FILE *out, double v)
{
    if (isfinite(v))
        fprintf(out, "%.6g", v);
    fputc(',', out);
}

static const char csv_header[] =
    "workload,device,backend,device_name,params,reps,min_s,median_s,max_s,per_s,gflops,first_call_s,"
    "threads,commit,plugin_version,driver_version,api_version,libraries,extra,note\n";

static void csv_row(FILE *out, const bench_row *r)
{
    char params[512], extra[256] = "";
    params_text(&r->c, params, sizeof params);
    for (int k = 0; k < r->c.extra_count; k++) {
        size_t len = strlen(extra);
        snprintf(extra + len, sizeof extra - len, "%s%s=%.6g", k ? " " : "", r->c.extras[k].key,
                 r->c.extras[k].value);
    }
    csv_field(out, r->workload, 0);
    csv_field(out, r->device, 0);
    csv_field(out, r->backend, 0);
    csv_field(out, r->info.name, 0);
    csv_field(out, params, 0);
    fprintf(out, "%d,", r->stats.reps);
    csv_number(out, r->stats.min_s);
    csv_number(out, r->stats.median_s);
    csv_number(out, r->stats.max_s);
    csv_number(out, per_second(r));
    csv_number(out, gflops(r));
    csv_number(out, r->stats.first_call_s);
    fprintf(out, "%d,", r->threads);
    csv_field(out, LSTMCORR_COMMIT, 0);
    csv_field(out, r->plugin_version, 0);
    csv_field(out, r->info.driver_version, 0);
    csv_field(out, r->info.api_version, 0);
    csv_field(out, r->info.libraries, 0);
    csv_field(out, extra, 0);
    csv_field(out, r->c.note, 1);
}

/* Markdown cells must not hold '|'. */
static void md_cell(FILE *out, const char *s)
{
    fputc(' ', out);
    for (const char *p = s; *p; p++)
        fputc(*p == '|' ? '/' : *p, out);
    fputs(" |", out);
}

static void md_number(FILE *out, double v, const char *format)
{
    char cell[48] = "-";
    if (isfinite(v))
        snprintf(cell, sizeof cell, format, v);
    md_cell(out, cell);
}

static void md_row(FILE *out, const bench_row *r)
{
    char params[512], versions[320], threads[16], reps[16];
    params_text(&r->c, params, sizeof params);
    snprintf(versions, sizeof versions, "%s; %s%s%s", r->info.driver_version, r->info.api_version,
             r->info.libraries[0] ? "; " : "", r->info.libraries);
    snprintf(threads, sizeof threads, "%d", r->threads);
    snprintf(reps, sizeof reps, "%d", r->stats.reps);
    fputc('|', out);
    md_cell(out, r->workload);
    md_cell(out, params);
    md_cell(out, r->device);
    md_cell(out, r->backend);
    md_cell(out, threads);
    md_cell(out, reps);
    md_number(out, r->stats.first_call_s, "%.4g");
    md_number(out, r->stats.min_s, "%.4g");
    md_number(out, r->stats.median_s, "%.4g");
    md_number(out, r->stats.max_s, "%.4g");
    md_number(out, per_second(r), "%.4g");
    md_number(out, gflops(r), "%.2f");
    md_cell(out, versions);
    md_cell(out, LSTMCORR_COMMIT);
    md_cell(out, r->c.note);
    fputc('\n', out);
}

void bench_output_begin(FILE *out, bench_format format)
{
    if (format == BENCH_MARKDOWN)
        fputs("| workload | params | device | backend | threads | reps | first_call_s | min_s | median_s | max_s "
              "| per_s | GFLOP/s | driver; api; libraries | commit | notes |\n"
              "|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|\n",
              out);
    else if (format == BENCH_CSV)
        fputs(csv_header, out);
    else if (format == BENCH_JSON)
        fputc('[', out);
    fflush(out);
}

void bench_output_row(FILE *out, bench_format format, const bench_row *row, int index)
{
    switch (format) {
    case BENCH_MARKDOWN:
        md_row(out, row);
        break;
    case BENCH_CSV:
        csv_row(out, row);
        break;
    case BENCH_JSON:
        fputs(index ? ",\n" : "\n", out);
        json_row(out, row);
        break;
    case BENCH_JSONL:
        json_row(out, row);
        fputc('\n', out);
        break;
    }
    fflush(out);
}

void bench_output_end(FILE *out, bench_format format)
{
    if (format == BENCH_JSON)
        fputs("\n]\n", out);
    fflush(out);
}
