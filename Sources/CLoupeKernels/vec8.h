/* vec8.h - private to CLoupeKernels: 8-float vectors as GCC/Clang vector extensions (one ymm
 * register with AVX2, two xmm registers on the SSE2 baseline), shared by the row kernels. */
#ifndef CLOUPE_VEC8_H
#define CLOUPE_VEC8_H

typedef float v8f __attribute__((vector_size(32)));
typedef float v8f_u __attribute__((vector_size(32), aligned(4)));
typedef int v8i __attribute__((vector_size(32)));
#define V8(x) ((v8f){(x), (x), (x), (x), (x), (x), (x), (x)})

/* Macros, not functions: a function passing v8f by value would have a different ABI in the
 * baseline and AVX instantiations. */
#define v8_load(p) (*(const v8f_u *)(p))
#define v8_store(p, x) (*(v8f_u *)(p) = (x))
#define v8_hsum(v) ((((v)[0] + (v)[4]) + ((v)[1] + (v)[5])) + (((v)[2] + (v)[6]) + ((v)[3] + (v)[7])))

#endif
