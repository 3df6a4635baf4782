/*
 * allocator.c - glibc malloc thresholds for tensor-sized buffers.
 *
 * Tensors of a few hundred KB to a few MB are allocated and freed many times per forward and
 * backward pass.  With glibc's defaults such buffers are served by fresh mmap() calls (or the
 * heap top is trimmed back to the system after a free), so every pass page-faults and zeroes
 * its memory again: measured 27 ms vs 15 ms for one IG batch of the benchmark transformer
 * (docs/benchmarks.md).  Raising the mmap threshold to its maximum (32 MiB on 64-bit) and the
 * trim threshold to 512 MiB keeps freed buffers in the heap for reuse.
 *
 * Applied once, when the library is loaded.  Set LOUPE_MALLOC_DEFAULTS=1 to keep glibc's
 * defaults (or tune them yourself with GLIBC_TUNABLES / mallopt).
 */
#include "CLoupeKernels.h"

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
    ok &= mallopt(M_TRIM_THRESHOLD, 512 * 1024 * 1024);
    g_tuned = ok ? 1 : 0;
#endif
    return g_tuned;
}

__attribute__((constructor)) static void loupe_allocator_init(void) { (void)loupe_tune_allocator(); }
