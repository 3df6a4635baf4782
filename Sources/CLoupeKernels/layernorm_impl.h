/*
 * layernorm_impl.h - one instantiation of the layer-norm row kernels, included from
 * layernorm.c once per vector ISA with SUF(name) and TGT (see attention_impl.h).
 */

TGT static void SUF(layer_norm_forward)(long rows, int width, const float *x, const float *residual,
                                        const float *weight, const float *bias, float epsilon,
                                        float *xhat, float *rstd, float *y) {
    const float inv_width = 1.0f / (float)width;
    for (long r = 0; r < rows; r++) {
        const float *xr = x + r * width;
        float *nr = xhat + r * width, *yr = y + r * width;
        int j;
        if (residual) { /* the sum goes into the normalised row, normalised in place below */
            const float *rr = residual + r * width;
            for (j = 0; j + 8 <= width; j += 8) v8_store(nr + j, v8_load(xr + j) + v8_load(rr + j));
            for (; j < width; j++) nr[j] = xr[j] + rr[j];
            xr = nr;
        }
        v8f acc = {0};
        for (j = 0; j + 8 <= width; j += 8) acc += v8_load(xr + j);
        float mean = v8_hsum(acc);
        for (; j < width; j++) mean += xr[j];
        mean *= inv_width;
        const v8f vm = V8(mean);
        v8f sq = {0};
        for (j = 0; j + 8 <= width; j += 8) { v8f d = v8_load(xr + j) - vm; sq += d * d; }
        float squares = v8_hsum(sq);
        for (; j < width; j++) { float d = xr[j] - mean; squares += d * d; }
        float rs = 1.0f / sqrtf(squares * inv_width + epsilon);
        rstd[r] = rs;
        const v8f vr = V8(rs);
        for (j = 0; j + 8 <= width; j += 8) {
            v8f h = (v8_load(xr + j) - vm) * vr;
            v8_store(nr + j, h);
            v8_store(yr + j, h * v8_load(weight + j) + v8_load(bias + j));
        }
        for (; j < width; j++) {
            float h = (xr[j] - mean) * rs;
            nr[j] = h;
            yr[j] = h * weight[j] + bias[j];
        }
    }
}

/* dx = rstd · (ĝ − mean(ĝ) − x̂ · mean(ĝ ⊙ x̂)) with ĝ = g ⊙ weight, per row. */
TGT static void SUF(layer_norm_backward)(long rows, int width, const float *g, const float *xhat,
                                         const float *rstd, const float *weight, float *dx) {
    const float inv_width = 1.0f / (float)width;
    for (long r = 0; r < rows; r++) {
        const float *gr = g + r * width, *nr = xhat + r * width;
        float *dr = dx + r * width;
        v8f s1 = {0}, s2 = {0};
        int j;
        for (j = 0; j + 8 <= width; j += 8) {
            v8f gh = v8_load(gr + j) * v8_load(weight + j);
            v8_store(dr + j, gh);
            s1 += gh;
            s2 += gh * v8_load(nr + j);
        }
        float mean_g = v8_hsum(s1), mean_gx = v8_hsum(s2);
        for (; j < width; j++) {
            float gh = gr[j] * weight[j];
            dr[j] = gh;
            mean_g += gh;
            mean_gx += gh * nr[j];
        }
        mean_g *= inv_width;
        mean_gx *= inv_width;
        const float rs = rstd[r];
        const v8f vmg = V8(mean_g), vmgx = V8(mean_gx), vr = V8(rs);
        for (j = 0; j + 8 <= width; j += 8)
            v8_store(dr + j, vr * (v8_load(dr + j) - vmg - v8_load(nr + j) * vmgx));
        for (; j < width; j++) dr[j] = rs * (dr[j] - mean_g - nr[j] * mean_gx);
    }
}
