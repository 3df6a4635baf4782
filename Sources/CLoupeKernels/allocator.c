/*
 * allocator.c - glibc malloc thresholds for tensor-sized buffers.
 *
 * Tensors of a few hundred KB to a few MB are allocated and freed many times per forward and
 * backward pass.  With glibc's defaults such buffers are served by fresh mmap() calls (or the
 * heap top is trimmed back to the system after a free), so every pass page-faults and zeroes
 * its memory again: measured 27 ms vs 15 ms for one IG batch of the benchmark transformer
 * (docs/benchmarks.md).  Raising the mmap threshold to its maximum (32 MiB on 64-bit) and the
 * trim threshold to its maximum (2 GiB) keeps freed buffers in the heap for reuse; a 64 MiB
 * top pad does the same for the other threads' arenas (below).
 *
 * Applied once, when the library is loaded.  Set LOUPE_MALLOC_DEFAULTS=1 to keep glibc's
 * defaults (or tune them yourself with GLIBC_TUNABLES / mallopt).
 */
#include "CLoupeKernels.h"

#include <limits.h>
#include <stdlib.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

static int g_tuned = -1;

int loupe_tune_allocator(void) {
    if (g_tuned >= 0) return g_tuned;
    g_tuned = 0;
#if defined(__GLIBC__)
    const char *keep = getenv("LOUPE_MALLOC_DEFAULTS");
    if (keep && *keep && *keep != '0') return 0;
    int ok = mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    /* The largest trim threshold mallopt takes (2 GiB): a path-integral pass frees its whole tape
     * (0.5-1 GB for SmolLM2 at 10-13 points a shard), which coalesces into the main arena's top;
     * at 512 MiB glibc gave it back after every pass and the next faulted it in and zeroed it
     * again (clear_page 24 % of IG with 13 points a shard: best 2.67 -> 2.01 s). Freed memory
     * is kept for reuse up to the process's peak instead. */
    ok &= mallopt(M_TRIM_THRESHOLD, INT_MAX);
    /* Threads other than the main one allocate from arenas of 64 MiB heaps, and glibc unmaps
     * such a heap as soon as it is wholly free, whatever the trim threshold: the tape of a
     * Parallel.map shard (hundreds of MB) was given back at the end of every pass and faulted
     * in and zeroed again at the next (clear_page was 18 % of SmolLM2 IG's first call).  A top
     * pad of one heap keeps them: SmolLM2 IG first call 4.1-4.5 -> 3.0-3.4 s, best 2.54-2.59 ->
     * 2.43-2.48 s. */
    ok &= mallopt(M_TOP_PAD, 64 * 1024 * 1024);
    g_tuned = ok ? 1 : 0;
#endif
    return g_tuned;
}

__attribute__((constructor)) static void loupe_allocator_init(void) { (void)loupe_tune_allocator(); }
