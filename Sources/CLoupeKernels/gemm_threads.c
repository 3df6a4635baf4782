/*
 * gemm_threads.c - the threads behind the GEMM kernel: the thread count and the per-thread cap,
 * a per-thread work buffer, and a persistent pool of workers that the caller's thread joins.
 * Split out of sgemm.c; see sgemm.c's header comment for how products are cut into work items.
 */
#include "CLoupeKernels.h"
#include "gemm_threads.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------ thread count */


static atomic_int g_threads = 0; /* 0: not yet initialised */

int loupe_get_num_threads(void) {
    int n = atomic_load_explicit(&g_threads, memory_order_relaxed);
    if (n > 0) return n;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    n = cpus < 1 ? 1 : cpus > LOUPE_MAX_THREADS ? LOUPE_MAX_THREADS : (int)cpus;
    int expected = 0;
    if (!atomic_compare_exchange_strong(&g_threads, &expected, n)) n = expected;
    return n;
}

void loupe_set_num_threads(int n) {
    if (n < 1) n = 1;
    if (n > LOUPE_MAX_THREADS) n = LOUPE_MAX_THREADS;
    atomic_store_explicit(&g_threads, n, memory_order_relaxed);
}

/* ------------------------------------------------------------------ per-thread workspace */

static pthread_key_t ws_key;
static pthread_once_t ws_once = PTHREAD_ONCE_INIT;
static int ws_key_ok = 0;
static __thread float *tls_ws_buf = NULL;
static __thread size_t tls_ws_cap = 0;

static void ws_destroy(void *p) { free(p); }
static void ws_init(void) { ws_key_ok = pthread_key_create(&ws_key, ws_destroy) == 0; }

/* 64-byte aligned buffer of at least n floats, reused by later calls on this thread. */
float *loupe_workspace(size_t n) {
    if (tls_ws_cap >= n) return tls_ws_buf;
    pthread_once(&ws_once, ws_init);
    size_t bytes = (n * sizeof(float) + 4095) & ~(size_t)4095;
    void *p = NULL;
    if (posix_memalign(&p, 64, bytes) != 0) return NULL;
    free(tls_ws_buf);
    tls_ws_buf = p;
    tls_ws_cap = bytes / sizeof(float);
    if (ws_key_ok) pthread_setspecific(ws_key, p);
    return tls_ws_buf;
}

/* ------------------------------------------------------------------ thread pool */

/* Tasks (loupe_task_fn) are described in gemm_threads.h. */

enum { W_IDLE = 0, W_POSTED = 1, W_RUNNING = 2 };

struct loupe_worker {
    _Alignas(64) atomic_int state; /* W_IDLE -> (caller) W_POSTED -> (worker) W_RUNNING -> W_IDLE */
    loupe_task_fn fn;
    void *arg;
    int sleeping; /* protected by m */
    pthread_mutex_t m;
    pthread_cond_t cv;
};

static struct {
    pthread_mutex_t use; /* held by the one caller currently using the pool */
    int nworkers;
    struct loupe_worker *w[LOUPE_MAX_THREADS];
    pthread_mutex_t done_m;
    pthread_cond_t done_cv;
} g_pool = {PTHREAD_MUTEX_INITIALIZER, 0, {0}, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER};

/* How long an idle worker (and a waiting caller) spins before sleeping. */
#ifndef LOUPE_SPIN_NS
#define LOUPE_SPIN_NS 100000L
#endif

static inline void loupe_relax(void) {
#if LOUPE_X86
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
}

static long long loupe_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void *loupe_worker_main(void *p) {
    struct loupe_worker *w = p;
    for (;;) {
        long long start = loupe_now_ns();
        int posted = 0;
        for (int s = 1;; s++) {
            if (atomic_load_explicit(&w->state, memory_order_acquire) == W_POSTED) {
                posted = 1;
                break;
            }
            loupe_relax();
            if ((s & 255) == 0 && loupe_now_ns() - start > LOUPE_SPIN_NS) break;
        }
        if (!posted) {
            pthread_mutex_lock(&w->m);
            while (atomic_load_explicit(&w->state, memory_order_acquire) != W_POSTED) {
                w->sleeping = 1;
                pthread_cond_wait(&w->cv, &w->m);
            }
            w->sleeping = 0;
            pthread_mutex_unlock(&w->m);
        }
        int expected = W_POSTED;
        if (!atomic_compare_exchange_strong_explicit(&w->state, &expected, W_RUNNING,
                                                     memory_order_acq_rel, memory_order_acquire))
            continue; /* the caller finished everything and withdrew the post */
        w->fn(w->arg);
        atomic_store_explicit(&w->state, W_IDLE, memory_order_release);
        pthread_mutex_lock(&g_pool.done_m);
        pthread_cond_broadcast(&g_pool.done_cv);
        pthread_mutex_unlock(&g_pool.done_m);
    }
    return NULL;
}

/* In a child process the workers do not exist: forget them (the structs leak) and
 * start from fresh locks. */
static void loupe_pool_atfork_child(void) {
    g_pool.nworkers = 0;
    pthread_mutex_init(&g_pool.use, NULL);
    pthread_mutex_init(&g_pool.done_m, NULL);
    pthread_cond_init(&g_pool.done_cv, NULL);
}
static pthread_once_t g_pool_once = PTHREAD_ONCE_INIT;
static void loupe_pool_init(void) { pthread_atfork(NULL, NULL, loupe_pool_atfork_child); }

/* Caller holds g_pool.use.  Returns how many workers are available (≤ want). */
static int loupe_pool_grow(int want) {
    pthread_once(&g_pool_once, loupe_pool_init);
    while (g_pool.nworkers < want) {
        struct loupe_worker *w = NULL;
        if (posix_memalign((void **)&w, 64, sizeof *w) != 0) break;
        memset(w, 0, sizeof *w);
        atomic_init(&w->state, W_IDLE);
        pthread_mutex_init(&w->m, NULL);
        pthread_cond_init(&w->cv, NULL);
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        pthread_attr_setstacksize(&attr, 8 << 20); /* parts of Parallel.map run whole passes here */
        sigset_t all, old;
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &old); /* workers never take signals */
        pthread_t th;
        int rc = pthread_create(&th, &attr, loupe_worker_main, w);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        pthread_attr_destroy(&attr);
        if (rc != 0) {
            pthread_cond_destroy(&w->cv);
            pthread_mutex_destroy(&w->m);
            free(w);
            break;
        }
        g_pool.w[g_pool.nworkers++] = w;
    }
    return g_pool.nworkers < want ? g_pool.nworkers : want;
}

#if defined(LOUPE_SPAWN_PER_CALL)
static void *spawn_trampoline(void *p) {
    void **a = p;
    ((loupe_task_fn)a[0])(a[1]);
    return NULL;
}
#endif

/* See gemm_threads.h. */
void loupe_parallel(loupe_task_fn fn, void *arg, int nthreads) {
    if (nthreads <= 1 || pthread_mutex_trylock(&g_pool.use) != 0) {
        fn(arg);
        return;
    }
#if defined(LOUPE_SPAWN_PER_CALL)
    /* Measurement variant: one pthread_create/join per call. */
    pthread_t th[LOUPE_MAX_THREADS];
    void *ta[2] = {(void *)fn, arg};
    int started = 1;
    for (int t = 1; t < nthreads; t++)
        if (pthread_create(&th[started], NULL, spawn_trampoline, ta) == 0) started++;
    fn(arg);
    for (int t = 1; t < started; t++) pthread_join(th[t], NULL);
    pthread_mutex_unlock(&g_pool.use);
    return;
#else
    int nw = loupe_pool_grow(nthreads - 1);
    for (int t = 0; t < nw; t++) {
        struct loupe_worker *w = g_pool.w[t];
        w->fn = fn;
        w->arg = arg;
        pthread_mutex_lock(&w->m);
        atomic_store_explicit(&w->state, W_POSTED, memory_order_release);
        if (w->sleeping) pthread_cond_signal(&w->cv);
        pthread_mutex_unlock(&w->m);
    }
    fn(arg);
    for (int t = 0; t < nw; t++) {
        struct loupe_worker *w = g_pool.w[t];
        int expected = W_POSTED;
        if (atomic_compare_exchange_strong_explicit(&w->state, &expected, W_IDLE,
                                                    memory_order_acq_rel, memory_order_acquire))
            continue; /* never started: withdrawn */
        long long start = loupe_now_ns();
        for (int s = 1; atomic_load_explicit(&w->state, memory_order_acquire) != W_IDLE; s++) {
            loupe_relax();
            if ((s & 255) == 0 && loupe_now_ns() - start > LOUPE_SPIN_NS) {
                pthread_mutex_lock(&g_pool.done_m);
                while (atomic_load_explicit(&w->state, memory_order_acquire) != W_IDLE)
                    pthread_cond_wait(&g_pool.done_cv, &g_pool.done_m);
                pthread_mutex_unlock(&g_pool.done_m);
                break;
            }
        }
    }
    pthread_mutex_unlock(&g_pool.use);
#endif
}

/* See CLoupeKernels.h. */
struct chunk_task {
    long count;
    int chunks;
    void (*body)(void *, long, long);
    void *context;
    atomic_int next;
};

static void chunk_task_run(void *p) {
    struct chunk_task *t = p;
    for (;;) {
        int c = atomic_fetch_add_explicit(&t->next, 1, memory_order_relaxed);
        if (c >= t->chunks) return;
        long begin = t->count * c / t->chunks, end = t->count * (c + 1) / t->chunks;
        t->body(t->context, begin, end);
    }
}

void loupe_parallel_chunks(long count, int chunks, void (*body)(void *, long, long), void *context) {
    if (count <= 0) return;
    if (chunks < 1) chunks = 1;
    if (chunks > count) chunks = (int)count;
    struct chunk_task t = {count, chunks, body, context, 0};
    int threads = chunks < LOUPE_MAX_THREADS ? chunks : LOUPE_MAX_THREADS;
    if (threads <= 1) {
        chunk_task_run(&t);
        return;
    }
    loupe_parallel(chunk_task_run, &t, threads);
}

/* A cap on the threads a call from this thread may use (0: none).  Set by callers that
 * already run one shard of their work per core, so GEMMs inside do not oversubscribe. */
static _Thread_local int tl_thread_cap = 0;

int loupe_set_thread_cap(int n) {
    int old = tl_thread_cap;
    tl_thread_cap = n < 0 ? 0 : n;
    return old;
}

int loupe_get_effective_threads(void) {
    int n = loupe_get_num_threads();
    return tl_thread_cap > 0 && tl_thread_cap < n ? tl_thread_cap : n;
}
