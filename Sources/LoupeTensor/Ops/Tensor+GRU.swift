import Foundation

/// The gated recurrent unit recurrence (Cho et al., 2014, in PyTorch's formulation) as one fused
/// op with back-propagation through time inside it.
extension Tensor {
    /// Runs a GRU over precomputed input projections.
    ///
    /// `self` is `[B, T, 3H]` = `x W_ihᵀ + b_ih` for every step (gate order r, z, n). At each step,
    /// with `a = h W_hhᵀ + b_hh`:
    /// `r = σ(x_r + a_r)`, `z = σ(x_z + a_z)`, `n = tanh(x_n + r ⊙ a_n)`, `h' = (1 − z) ⊙ n + z ⊙ h`.
    ///
    /// - Parameters:
    ///   - hiddenWeight: `W_hh`, `[3H, H]`.
    ///   - hiddenBias: `b_hh`, `[3H]`.
    ///   - initialState: `h₀`, `[B, H]`.
    ///   - lengths: optional real length of each sequence; from step `lengths[b]` on, the state
    ///     of sequence `b` is carried over unchanged, so the last output row is each sequence's
    ///     state after its own last real step.
    /// - Returns: the state after every step, `[B, T, H]`.
    public func gruRecurrence(hiddenWeight: Tensor, hiddenBias: Tensor, initialState: Tensor,
                              lengths: [Int]? = nil) -> Tensor {
        precondition(rank == 3 && shape[2] % 3 == 0, "GRU input projections must be [B, T, 3H], got \(shape)")
        let (b, t, h3) = (shape[0], shape[1], shape[2])
        let h = h3 / 3
        precondition(hiddenWeight.shape == [h3, h], "GRU hidden weight \(hiddenWeight.shape), expected \([h3, h])")
        precondition(hiddenBias.shape == [h3], "GRU hidden bias \(hiddenBias.shape), expected \([h3])")
        precondition(initialState.shape == [b, h], "GRU initial state \(initialState.shape), expected \([b, h])")
        if let lengths { precondition(lengths.count == b, "\(lengths.count) lengths for a batch of \(b)") }
        let steps = lengths ?? [Int](repeating: t, count: b)

        let n = b * t * h
        var out = [Float](repeating: 0, count: n)
        // Saved for the derivative, as four consecutive blocks of n: r, z, n, and a_n = (W_hn h + b_hn).
        var saved = [Float](repeating: 0, count: 4 * n)
        var state = initialState.scalars
        var a = [Float](repeating: 0, count: b * h3)
        scalars.withUnsafeBufferPointer { px in
            hiddenWeight.scalars.withUnsafeBufferPointer { pw in
                hiddenBias.scalars.withUnsafeBufferPointer { pb in
                    out.withUnsafeMutableBufferPointer { po in
                        saved.withUnsafeMutableBufferPointer { psv in
                            state.withUnsafeMutableBufferPointer { ps in
                                a.withUnsafeMutableBufferPointer { pa in
                                    guard let x = px.baseAddress, let w = pw.baseAddress, let bias = pb.baseAddress,
                                          let o = po.baseAddress, let sv = psv.baseAddress, let st = ps.baseAddress,
                                          let acc = pa.baseAddress else { return }
                                    let (rG, zG, nG, hnG) = (sv, sv + n, sv + 2 * n, sv + 3 * n)
                                    for step in 0..<t {
                                        for bi in 0..<b { (acc + bi * h3).update(from: bias, count: h3) }
                                        GEMM.multiply(transposeA: false, transposeB: true, m: b, n: h3, k: h,
                                                      a: st, lda: h, b: w, ldb: h, beta: 1, c: acc, ldc: h3)
                                        for bi in 0..<b {
                                            let off = (bi * t + step) * h
                                            let sRow = st + bi * h
                                            if step < steps[bi] {
                                                let xr = x + (bi * t + step) * h3, ar = acc + bi * h3
                                                for j in 0..<h {
                                                    let r = Tensor.sigmoidScalar(xr[j] + ar[j])
                                                    let z = Tensor.sigmoidScalar(xr[h + j] + ar[h + j])
                                                    let hn = ar[2 * h + j]
                                                    let nv = Foundation.tanh(xr[2 * h + j] + r * hn)
                                                    rG[off + j] = r; zG[off + j] = z; nG[off + j] = nv; hnG[off + j] = hn
                                                    sRow[j] = (1 - z) * nv + z * sRow[j]
                                                }
                                            }
                                            (o + off).update(from: sRow, count: h)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        let weight = hiddenWeight.scalars
        let initial = initialState.scalars
        let outputs = out
        let savedGates = saved
        let (xShape, wShape, bShape, hShape) = (shape, hiddenWeight.shape, hiddenBias.shape, initialState.shape)
        return Tensor.record("gru", shape: [b, t, h], scalars: out,
                             inputs: [self, hiddenWeight, hiddenBias, initialState]) { g, needs in
            var dx = [Float](repeating: 0, count: b * t * h3)   // gradient of the input projections
            var da = [Float](repeating: 0, count: b * t * h3)   // gradient of h W_hhᵀ + b_hh
            var dh = [Float](repeating: 0, count: b * h)       // gradient reaching the current state
            var dhNext = [Float](repeating: 0, count: b * h)
            g.scalars.withUnsafeBufferPointer { pg in
                weight.withUnsafeBufferPointer { pw in
                    savedGates.withUnsafeBufferPointer { psv in
                        outputs.withUnsafeBufferPointer { po in
                            initial.withUnsafeBufferPointer { pi in
                                dx.withUnsafeMutableBufferPointer { pdx in
                                    da.withUnsafeMutableBufferPointer { pda in
                                        dh.withUnsafeMutableBufferPointer { pdh in
                                            dhNext.withUnsafeMutableBufferPointer { pnx in
                                                guard let gOut = pg.baseAddress, let w = pw.baseAddress, let sv = psv.baseAddress,
                                                      let o = po.baseAddress, let h0 = pi.baseAddress, let dX = pdx.baseAddress,
                                                      let dA = pda.baseAddress, var cur = pdh.baseAddress,
                                                      var next = pnx.baseAddress else { return }
                                                let (rG, zG, nG, hnG) = (sv, sv + n, sv + 2 * n, sv + 3 * n)
                                                for step in stride(from: t - 1, through: 0, by: -1) {
                                                    for bi in 0..<b {
                                                        let off = (bi * t + step) * h
                                                        let dRow = cur + bi * h, nRow = next + bi * h
                                                        RowKernels.add(gOut + off, into: dRow, h)
                                                        guard step < steps[bi] else {
                                                            nRow.update(from: dRow, count: h)
                                                            continue
                                                        }
                                                        let prevRow = step == 0 ? h0 + bi * h : o + off - h
                                                        let xo = (bi * t + step) * h3
                                                        let dxr = dX + xo, dar = dA + xo
                                                        for j in 0..<h {
                                                            let (r, z, nv, hn) = (rG[off + j], zG[off + j], nG[off + j], hnG[off + j])
                                                            let gh = dRow[j]
                                                            let dpreN = gh * (1 - z) * (1 - nv * nv)
                                                            let dpreZ = gh * (prevRow[j] - nv) * z * (1 - z)
                                                            let dpreR = dpreN * hn * r * (1 - r)
                                                            dxr[j] = dpreR; dxr[h + j] = dpreZ; dxr[2 * h + j] = dpreN
                                                            dar[j] = dpreR; dar[h + j] = dpreZ; dar[2 * h + j] = dpreN * r
                                                            nRow[j] = gh * z
                                                        }
                                                    }
                                                    // dh_{t−1} = direct part + da_t · W_hh
                                                    GEMM.multiply(transposeA: false, transposeB: false, m: b, n: h, k: h3,
                                                                  a: dA + step * h3, lda: t * h3, b: w, ldb: h,
                                                                  beta: 1, c: next, ldc: h)
                                                    swap(&cur, &next)
                                                }
                                                // The final gradient of the initial state must end up in `dh`.
                                                if cur != pdh.baseAddress! { pdh.baseAddress!.update(from: cur, count: b * h) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            var dw: Tensor? = nil, db: Tensor? = nil
            if needs[1] {
                // dW_hh = Σ_t da_tᵀ h_{t−1}: one GEMM over all steps with the previous states.
                var previous = [Float](repeating: 0, count: b * t * h)
                for bi in 0..<b {
                    for j in 0..<h { previous[bi * t * h + j] = initial[bi * h + j] }
                    if t > 1 {
                        for k in 0..<((t - 1) * h) { previous[bi * t * h + h + k] = outputs[bi * t * h + k] }
                    }
                }
                var w = [Float](repeating: 0, count: h3 * h)
                da.withUnsafeBufferPointer { pda in
                    previous.withUnsafeBufferPointer { pp in
                        w.withUnsafeMutableBufferPointer { pw in
                            GEMM.multiply(transposeA: true, transposeB: false, m: h3, n: h, k: b * t,
                                          a: pda.baseAddress!, lda: h3, b: pp.baseAddress!, ldb: h,
                                          c: pw.baseAddress!, ldc: h)
                        }
                    }
                }
                dw = Tensor(shape: wShape, scalars: w)
            }
            if needs[2] {
                var s = [Float](repeating: 0, count: h3)
                for row in 0..<(b * t) { for j in 0..<h3 { s[j] += da[row * h3 + j] } }
                db = Tensor(shape: bShape, scalars: s)
            }
            return [needs[0] ? Tensor(shape: xShape, scalars: dx) : nil, dw, db,
                    needs[3] ? Tensor(shape: hShape, scalars: dh) : nil]
        }
    }
}
