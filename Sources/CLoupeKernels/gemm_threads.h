/* gemm_threads.h - private to CLoupeKernels: the thread pool and work buffers of the GEMM
 * kernel (gemm_threads.c). */
#ifndef CLOUPE_GEMM_THREADS_H
#define CLOUPE_GEMM_THREADS_H

#include <stddef.h>

#define LOUPE_MAX_THREADS 64

/* A task is a function every participating thread calls once; it pulls work items from a
 * shared counter until none are left, so a worker that starts late (or never, e.g. when the
 * other cores are busy) only means the caller does more items itself. */
typedef void (*loupe_task_fn)(void *arg);

/* Runs fn(arg) on the calling thread and on up to nthreads-1 pool workers; returns once every
 * thread that started the task has finished it.  If the pool is in use by another caller, the
 * calling thread runs the task alone. */
void loupe_parallel(loupe_task_fn fn, void *arg, int nthreads);

/* A buffer of at least n floats owned by the calling thread (reused between calls), or NULL. */
float *loupe_workspace(size_t n);

#endif
