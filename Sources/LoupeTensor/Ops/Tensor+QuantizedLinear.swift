import CLoupeKernels
/// The affine map of a fully connected layer whose weight stays in its stored (quantized) format.
extension Tensor {
    /// `self · Wᵀ + bias` over the last axis with `W = quantized.dequantized()`: `self` `[..., in]`,
    /// `quantized` `[out, in]` (PyTorch's layout), optional `bias` `[out]` → `[..., out]`.
    ///
    /// A weight of at most ``QuantizedTiles/wholeDecodeMaximumScalars`` floats is multiplied in
    /// one GEMM when the product is recorded for a gradient or has
    /// ``QuantizedTiles/wholeDecodeMinimumRows`` input rows or more (e.g. the path points of
    /// integrated gradients, a prompt): Q4_0 / Q4_1 / Q8_0 blocks are decoded straight into the
    /// GEMM's packed panels (`loupe_sgemm_quantized_b`, the same bits as decoding first), other
    /// formats into a temporary buffer (in parallel); re-packing the input for every tile had
    /// cost more than the decoding. Otherwise (a larger weight, or a few rows without gradient)
    /// tiles of its rows are decoded into a scratch buffer and multiplied with ``GEMM``, tiles
    /// in parallel (see ``Parallel``). The derivative flows to the input (`dx = dy · W`: the
    /// whole weight decoded into a temporary buffer, or tile by tile) and to the bias; the stored
    /// weight is a constant. Inside ``QuantizedArithmetic/with(_:_:)``, when no gradient is
    /// recorded, Q4_0 / Q4_1 / Q8_0 weights are multiplied by that mode's block kernels instead
    /// (``QuantizedMatrix/product(_:bias:arithmetic:kernel:)``), below
    /// ``QuantizedTiles/wholeDecodeMinimumRows`` rows in ``QuantizedArithmetic/Mode/floatKernels``.
    public func linear(quantized weight: QuantizedMatrix, bias: Tensor?) -> Tensor {
        precondition(rank >= 1 && weight.columns == shape[rank - 1],
                     "linear: input \(shape) does not match quantized weight \(weight.shape) ([out, in])")
        let (n, k) = (weight.rows, weight.columns)
        if let bias { precondition(bias.shape == [n], "linear: bias \(bias.shape) for \(n) outputs") }
        // Inference inside QuantizedArithmetic.with(.floatKernels / .integerKernels): the block kernels.
        let arithmetic = QuantizedArithmetic.mode
        let recording = GradientMode.isEnabled && (node != nil || bias?.node != nil)
        let rows = k == 0 ? 0 : count / k
        if arithmetic != .decodedTiles, !recording,
           !QuantizedTiles.prefersDecodedGEMM(arithmetic: arithmetic, rows: rows, weightRows: n, columns: k),
           let y = weight.product(self, bias: bias, arithmetic: arithmetic) {
            return y
        }
        let tile = QuantizedTiles.rowsPerTile(columns: k)
        let tileCount = (n + tile - 1) / tile
        let whole = QuantizedTiles.decodesWhole(rows: rows, weightRows: n, columns: k, recording: recording)
        let out = [Float](unsafeUninitializedCapacity: rows * n) { buffer, initialized in
            if rows > 0 && n > 0 {
                let pc = buffer.baseAddress!
                if k == 0 {
                    for r in 0..<rows {
                        for j in 0..<n { pc[r * n + j] = bias?.scalars[j] ?? 0 }
                    }
                } else if whole {
                    scalars.withUnsafeBufferPointer { px in
                        withOptionalBuffer(bias?.scalars) { pbias in
                            if weight.panelProduct(px.baseAddress!, rows: rows, bias: pbias, into: pc) { return }
                            let w = weight.decodedWhole()
                            defer { w.deallocate() }
                            if let pbias {
                                GEMM.multiply(transposeA: false, transposeB: true, m: rows, n: n, k: k,
                                              a: px.baseAddress!, lda: k, b: w, ldb: k,
                                              addingRowVector: pbias, c: pc, ldc: n)
                            } else {
                                GEMM.multiply(transposeA: false, transposeB: true, m: rows, n: n, k: k,
                                              a: px.baseAddress!, lda: k, b: w, ldb: k, c: pc, ldc: n)
                            }
                        }
                    }
                } else {
                    scalars.withUnsafeBufferPointer { px in
                        withOptionalBuffer(bias?.scalars) { pbias in
                            _ = try? Parallel.map(tileCount) { tiles in
                                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: tile * k)
                                defer { scratch.deallocate() }
                                for t in tiles {
                                    let j0 = t * tile, j1 = Swift.min(n, j0 + tile)
                                    weight.dequantizeRows(j0..<j1, into: scratch)
                                    if let pbias {
                                        GEMM.multiply(transposeA: false, transposeB: true, m: rows, n: j1 - j0, k: k,
                                                      a: px.baseAddress!, lda: k, b: scratch, ldb: k,
                                                      addingRowVector: pbias + j0, c: pc + j0, ldc: n)
                                    } else {
                                        GEMM.multiply(transposeA: false, transposeB: true, m: rows, n: j1 - j0, k: k,
                                                      a: px.baseAddress!, lda: k, b: scratch, ldb: k,
                                                      c: pc + j0, ldc: n)
                                    }
                                }
                            }
                        }
                    }
                }
            }
            initialized = rows * n
        }
        let outShape = Array(shape.dropLast()) + [n]
        let inShape = shape
        var inputs = [self]
        if let bias { inputs.append(bias) }
        return Tensor.record("linear-quantized", shape: outShape, scalars: out, inputs: inputs) { g, needs in
            var grads: [Tensor?] = [nil, nil]
            g.scalars.withUnsafeBufferPointer { pg in
                if needs[0] {
                    // dx = g · W: W's blocks decoded into the SGEMM's panels (or, for another format, the
                    // whole W decoded first); for a weight too large to decode whole, accumulated over
                    // tiles of W's rows: dx += g[:, j0..<j1] · W[j0..<j1, :].
                    var dx = [Float](repeating: 0, count: rows * k)
                    if rows > 0 && k > 0 && n > 0 && whole {
                        dx.withUnsafeMutableBufferPointer { pd in
                            if weight.rowsProduct(pg.baseAddress!, rows: rows, into: pd.baseAddress!) { return }
                            let w = weight.decodedWhole()
                            defer { w.deallocate() }
                            GEMM.multiply(transposeA: false, transposeB: false, m: rows, n: k, k: n,
                                          a: pg.baseAddress!, lda: n, b: w, ldb: k, c: pd.baseAddress!, ldc: k)
                        }
                    } else if rows > 0 && k > 0 && n > 0 {
                        dx.withUnsafeMutableBufferPointer { pd in
                            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: tile * k)
                            defer { scratch.deallocate() }
                            for t in 0..<tileCount {
                                let j0 = t * tile, j1 = Swift.min(n, j0 + tile)
                                weight.dequantizeRows(j0..<j1, into: scratch)
                                GEMM.multiply(transposeA: false, transposeB: false, m: rows, n: k, k: j1 - j0,
                                              a: pg.baseAddress! + j0, lda: n, b: scratch, ldb: k,
                                              beta: t == 0 ? 0 : 1, c: pd.baseAddress!, ldc: k)
                            }
                        }
                    }
                    grads[0] = Tensor(shape: inShape, scalars: dx)
                }
                if needs.count > 1 && needs[1] {
                    var db = [Float](repeating: 0, count: n)
                    db.withUnsafeMutableBufferPointer { pd in
                        for r in 0..<rows {
                            let row = pg.baseAddress! + r * n
                            for j in 0..<n { pd[j] += row[j] }
                        }
                    }
                    grads[1] = Tensor(shape: [n], scalars: db)
                }
            }
            return Array(grads.prefix(needs.count))
        }
    }
}

/// Tile sizes of the quantized kernels.
public enum QuantizedTiles {
    /// Weight rows decoded at a time: about 64 K floats (256 KB, an L2's worth), at least 16.
    static func rowsPerTile(columns: Int) -> Int {
        Swift.max(16, 65_536 / Swift.max(1, columns))
    }

    /// Input rows from which a product decodes its whole weight once (instead of tile by tile,
    /// or instead of the float block kernels): from here on one SGEMM over the decoded weight
    /// beats the block kernels (a 57-token prompt of SmolLM2 prefilled at ~690 tokens/s with
    /// them, 1,100–1,250 this way), and re-packing the input for every tile costs more than
    /// decoding once (IG passes of 429 rows). `loupe-bench llm-generate`, `llm-ig`;
    /// docs/benchmarks.md.
    public static let wholeDecodeMinimumRows = 16

    /// The largest weight decoded whole: 4 M floats (16 MB), every projection of SmolLM2 and
    /// MiniLM but not a 49,152-row unembedding, which stays tiled.
    public static let wholeDecodeMaximumScalars = 1 << 22

    /// Whether a product in ``QuantizedArithmetic/Mode/floatKernels`` of `rows` input rows
    /// goes to one SGEMM over the decoded weight instead of the block kernels (the same
    /// arithmetic up to float rounding). The integer kernels are never replaced: their
    /// numbers differ by design.
    public static func prefersDecodedGEMM(arithmetic: QuantizedArithmetic.Mode, rows: Int, weightRows: Int, columns: Int) -> Bool {
        arithmetic == .floatKernels && decodesWhole(rows: rows, weightRows: weightRows, columns: columns, recording: false)
    }

    /// Whether a product of `rows` input rows decodes its `weightRows × columns` weight whole.
    /// A recorded product always does when the weight fits, so its input gradient is summed in
    /// the same order whatever the batch a row sits in (the forward pass is the same either way).
    static func decodesWhole(rows: Int, weightRows: Int, columns: Int, recording: Bool) -> Bool {
        (recording || rows >= wholeDecodeMinimumRows) && weightRows > 0 && columns > 0
            && weightRows * columns <= wholeDecodeMaximumScalars
    }
}

extension QuantizedMatrix {
    /// `y = x · dequantized()ᵀ (+ bias)` for `rows` input rows, without decoding the whole
    /// matrix into a temporary: Q4_0 / Q4_1 / Q8_0 blocks are decoded straight into the SGEMM's
    /// packed panels (`loupe_sgemm_quantized_b`, the same bits as decoding first) — or, in
    /// generation (``QuantizedArithmetic/Mode/floatKernels``) from the weight's second prompt on,
    /// read from the panels kept then; other formats (K-quants, F16, BF16) are multiplied from
    /// the float copy kept from their second product on (``WeightPanelCache``). False, leaving
    /// `y` untouched, when none applies (the caller decodes the whole weight).
    func panelProduct(_ x: UnsafePointer<Float>, rows m: Int, bias: UnsafePointer<Float>?,
                      into y: UnsafeMutablePointer<Float>) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let (format, n, k, stride) = (Int32(self.type.ggmlTypeID), Int32(rows), Int32(columns), bytesPerRow)
        guard supportsIntegerProducts else {
            guard let decoded = keptDecodedCopy() else { return false }
            if let bias {
                GEMM.multiply(transposeA: false, transposeB: true, m: m, n: rows, k: columns, a: x, lda: columns,
                              b: decoded.pointer, ldb: columns, addingRowVector: bias, c: y, ldc: rows)
            } else {
                GEMM.multiply(transposeA: false, transposeB: true, m: m, n: rows, k: columns, a: x, lda: columns,
                              b: decoded.pointer, ldb: columns, c: y, ldc: rows)
            }
            return true
        }
        // Panels pay where a product has few rows to spread its decoding over (a prompt); at the
        // hundreds of rows of an attribution pass decoding into the panels costs ~2 % and keeping
        // them would cost 4 bytes a weight (docs/benchmarks.md, `loupe-bench panel-cache`).
        if QuantizedArithmetic.mode == .floatKernels {
            let count = Int(loupe_sgemm_packed_b_floats(nil, n, k))
            if let panels = panelSlot.panels(floats: count, pack: { loupe_sgemm_pack_quantized_b(nil, format, n, k, base, stride, $0) }),
               loupe_sgemm_prepacked_b(nil, 0, 0, Int32(m), n, k, panels.kBlock, 1, x, k, panels.pointer, 0,
                                       bias, y, n) == 1 {
                return true
            }
        }
        return loupe_sgemm_quantized_b(0, Int32(m), n, k, x, k, format, base, stride, bias, y, n) == 1
    }

    /// `dx = g · dequantized()` for `rows` rows of `g` (`rows × self.rows` floats) without
    /// decoding the whole matrix into a temporary: Q4_0 / Q4_1 / Q8_0 rows decoded straight into
    /// the SGEMM's packed panels (`loupe_sgemm_quantized_b_rows`: each decoded block is a run of
    /// one panel row, so no copy and no transposition; the same bits as decoding first), other
    /// formats from their kept float copy when there is one; false, leaving `dx` untouched,
    /// otherwise.
    func rowsProduct(_ g: UnsafePointer<Float>, rows m: Int, into dx: UnsafeMutablePointer<Float>) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        guard supportsIntegerProducts else {
            guard let decoded = panelSlot.current else { return false }
            GEMM.multiply(transposeA: false, transposeB: false, m: m, n: columns, k: rows, a: g, lda: rows,
                          b: decoded.pointer, ldb: columns, c: dx, ldc: columns)
            return true
        }
        return loupe_sgemm_quantized_b_rows(nil, 0, Int32(m), Int32(columns), Int32(rows), g, Int32(rows),
                                            Int32(type.ggmlTypeID), base, bytesPerRow, 0, dx, Int32(columns)) == 1
    }

    /// The float copy of a matrix in a format without a panel decoder, made on its second
    /// many-row product (``WeightPanelCache``); nil before that or beyond the budget.
    func keptDecodedCopy() -> PackedPanels? {
        panelSlot.panels(floats: rows * columns) { out in
            decodeWhole(into: out)
            return 1
        }
    }

    /// The whole matrix decoded into a new buffer (`rows × columns` floats; the caller
    /// deallocates it).
    func decodedWhole() -> UnsafeMutablePointer<Float> {
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: rows * columns)
        decodeWhole(into: buffer)
        return buffer
    }

    /// The whole matrix decoded into `out` (`rows × columns` floats), tiles decoded in parallel.
    private func decodeWhole(into out: UnsafeMutablePointer<Float>) {
        let tile = QuantizedTiles.rowsPerTile(columns: columns)
        _ = try? Parallel.map((rows + tile - 1) / tile) { tiles in
            for t in tiles {
                let j0 = t * tile, j1 = Swift.min(rows, j0 + tile)
                dequantizeRows(j0..<j1, into: out + j0 * columns)
            }
        }
    }
}

/// Runs `body` with a pointer to `array`'s elements, or `nil` when there is no array.
@inline(__always)
private func withOptionalBuffer<R>(_ array: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress!) }
}
