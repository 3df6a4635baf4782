/* cpu_level.h - private to CLoupeKernels: the x86 vector level found by CPUID. */
#ifndef CLOUPE_CPU_LEVEL_H
#define CLOUPE_CPU_LEVEL_H

#if defined(__x86_64__)
/* 2 = avx512f, 1 = avx2+fma, 0 = neither (the OS must save the registers too). Cached. */
int loupe_cpu_level(void);
#endif

/* The code path of the row kernels (attention, layer norm) a name asks for: 1 = "avx2-fma",
 * 0 = "generic", the best this CPU runs for NULL/""/"auto", -1 = unknown or not runnable here. */
int loupe_row_kernel_path(const char *kernel);

/* The code path a name asks for among "generic" (0), `avx2_name` (1: "avx2-fma" or "avx2") and
 * "avx512" (2); the best this CPU runs for NULL/""/"auto"; -1 when unknown or not runnable here. */
int loupe_vector_path(const char *kernel, const char *avx2_name);

#endif
