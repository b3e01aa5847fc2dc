/* A persistent pthread pool: created once per device, runs one parallel loop at a time. Tasks are
 * claimed from a shared counter; results never depend on which thread ran a task, because every
 * op keys its partial results by task index, not by thread. */
#include <stdlib.h>

#include "cpu_internal.h"

struct cpu_pool {
    int threads;             /* including the calling thread (slot 0) */
    pthread_t *workers;      /* threads - 1 */
    int started_workers;
    float **scratch;         /* per slot */
    pthread_mutex_t lock;
    pthread_cond_t wake, done;
    pthread_mutex_t call_lock; /* one loop at a time */
    unsigned generation;
    int stop;
    int busy_workers;
    cpu_task_fn fn;
    void *ctx;
    int n_tasks;
    atomic_int next_task;
};

typedef struct worker_arg {
    cpu_pool *pool;
    int slot;
} worker_arg;

static void run_tasks(cpu_pool *pool, int slot)
{
    for (;;) {
        int task = atomic_fetch_add_explicit(&pool->next_task, 1, memory_order_relaxed);
        if (task >= pool->n_tasks)
            return;
        pool->fn(pool->ctx, task, slot);
    }
}

static void *worker_main(void *arg_ptr)
{
    worker_arg arg = *(worker_arg *)arg_ptr;
    free(arg_ptr);
    cpu_pool *pool = arg.pool;
    unsigned seen = 0;
    for (;;) {
        pthread_mutex_lock(&pool->lock);
        while (pool->generation == seen && !pool->stop)
            pthread_cond_wait(&pool->wake, &pool->lock);
        if (pool->stop) {
            pthread_mutex_unlock(&pool->lock);
            return NULL;
        }
        seen = pool->generation;
        pthread_mutex_unlock(&pool->lock);

        run_tasks(pool, arg.slot);

        pthread_mutex_lock(&pool->lock);
        if (--pool->busy_workers == 0)
            pthread_cond_signal(&pool->done);
        pthread_mutex_unlock(&pool->lock);
    }
}

void cpu_pool_destroy(cpu_pool *pool)
{
    if (!pool)
        return;
    pthread_mutex_lock(&pool->lock);
    pool->stop = 1;
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
    for (int i = 0; i < pool->started_workers; i++)
        pthread_join(pool->workers[i], NULL);
    if (pool->scratch)
        for (int i = 0; i < pool->threads; i++)
            free(pool->scratch[i]);
    free(pool->scratch);
    free(pool->workers);
    pthread_mutex_destroy(&pool->lock);
    pthread_mutex_destroy(&pool->call_lock);
    pthread_cond_destroy(&pool->wake);
    pthread_cond_destroy(&pool->done);
    free(pool);
}

lc_status cpu_pool_create(int threads, size_t scratch_bytes, cpu_pool **out)
{
    *out = NULL;
    cpu_pool *pool = calloc(1, sizeof *pool);
    if (!pool)
        return cpu_fail(LC_ERR_NOMEM, "out of memory for the thread pool");
    pool->threads = threads;
    pthread_mutex_init(&pool->lock, NULL);
    pthread_mutex_init(&pool->call_lock, NULL);
    pthread_cond_init(&pool->wake, NULL);
    pthread_cond_init(&pool->done, NULL);
    pool->workers = calloc((size_t)threads, sizeof *pool->workers);
    pool->scratch = calloc((size_t)threads, sizeof *pool->scratch);
    if (!pool->workers || !pool->scratch) {
        cpu_pool_destroy(pool);
        return cpu_fail(LC_ERR_NOMEM, "out of memory for the thread pool");
    }
    size_t scratch_alloc = (scratch_bytes + CPU_ALIGN - 1) / CPU_ALIGN * CPU_ALIGN;
    if (scratch_alloc == 0)
        scratch_alloc = CPU_ALIGN;
    for (int i = 0; i < threads; i++) {
        pool->scratch[i] = aligned_alloc(CPU_ALIGN, scratch_alloc);
        if (!pool->scratch[i]) {
            cpu_pool_destroy(pool);
            return cpu_fail(LC_ERR_NOMEM, "out of memory for per-thread scratch (%zu bytes)",
                            scratch_alloc);
        }
    }
    for (int i = 1; i < threads; i++) {
        worker_arg *arg = malloc(sizeof *arg);
        if (!arg) {
            cpu_pool_destroy(pool);
            return cpu_fail(LC_ERR_NOMEM, "out of memory for the thread pool");
        }
        arg->pool = pool;
        arg->slot = i;
        if (pthread_create(&pool->workers[i - 1], NULL, worker_main, arg) != 0) {
            free(arg);
            cpu_pool_destroy(pool);
            return cpu_fail(LC_ERR_DEVICE, "could not start worker thread %d of %d", i, threads);
        }
        pool->started_workers++;
    }
    *out = pool;
    return LC_OK;
}

int cpu_pool_threads(const cpu_pool *pool) { return pool->threads; }

float *cpu_pool_scratch(cpu_pool *pool, int slot) { return pool->scratch[slot]; }

void cpu_pool_run(cpu_pool *pool, int n_tasks, cpu_task_fn fn, void *ctx)
{
    if (n_tasks <= 0)
        return;
    pthread_mutex_lock(&pool->call_lock);
    if (pool->threads == 1 || n_tasks == 1) {
        for (int t = 0; t < n_tasks; t++)
            fn(ctx, t, 0);
        pthread_mutex_unlock(&pool->call_lock);
        return;
    }
    pthread_mutex_lock(&pool->lock);
    pool->fn = fn;
    pool->ctx = ctx;
    pool->n_tasks = n_tasks;
    atomic_store_explicit(&pool->next_task, 0, memory_order_relaxed);
    pool->busy_workers = pool->threads - 1;
    pool->generation++;
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);

    run_tasks(pool, 0);

    pthread_mutex_lock(&pool->lock);
    while (pool->busy_workers > 0)
        pthread_cond_wait(&pool->done, &pool->lock);
    pthread_mutex_unlock(&pool->lock);
    pthread_mutex_unlock(&pool->call_lock);
}
