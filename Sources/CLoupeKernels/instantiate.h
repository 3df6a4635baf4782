/* instantiate.h - private to CLoupeKernels: includes the file named by LOUPE_IMPL once per
 * vector code path, with SUF(name) mangling the names (name_generic, name_avx2) and TGT the
 * function attribute enabling the ISA.  Used by the row kernels (attention, layer norm). */
#define SUF(name) name##_generic
#define TGT
#include LOUPE_IMPL
#undef SUF
#undef TGT

#if defined(__x86_64__)
#define SUF(name) name##_avx2
#define TGT __attribute__((target("avx2,fma")))
#include LOUPE_IMPL
#undef SUF
#undef TGT
#endif
