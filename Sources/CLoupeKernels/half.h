/* half.h - private to CLoupeKernels: the 2-byte little-endian field and IEEE binary16 → float
 * conversion (exact) that the block readers (quant_dot.c, quant_decode.c) share, for their
 * portable paths. */
#ifndef CLOUPE_HALF_H
#define CLOUPE_HALF_H

#include <stdint.h>
#include <string.h>

static inline uint16_t loupe_u16_at(const uint8_t *p) {
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}

static inline float loupe_half_to_float(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, e = (h >> 10) & 0x1F, f = h & 0x3FF;
    float v;
    if (e == 0) {
        v = (float)f * 0x1p-24f;
        return sign ? -v : v;
    }
    uint32_t bits = e == 0x1F ? (sign | 0x7F800000u | (f << 13)) : (sign | ((e + 112) << 23) | (f << 13));
    memcpy(&v, &bits, 4);
    return v;
}

#endif
