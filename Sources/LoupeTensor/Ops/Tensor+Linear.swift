/// The affine map of a fully connected layer as one fused op.
extension Tensor {
    /// `self · weightᵀ + bias` over the last axis: `[..., in]` with `weight` `[out, in]` (PyTorch's
    /// layout) and optional `bias` `[out]` → `[..., out]`.
    ///
    /// All rows go through one GEMM that adds the bias as it stores each tile of the output, and
    /// the bias gradient is a column sum of the incoming gradient, so no broadcast tensors are
    /// materialised.
    public func linear(weight: Tensor, bias: Tensor?) -> Tensor {
        precondition(rank >= 1 && weight.rank == 2 && weight.shape[1] == shape[rank - 1],
                     "linear: input \(shape) does not match weight \(weight.shape) ([out, in])")
        let (n, k) = (weight.shape[0], weight.shape[1])
        if let bias { precondition(bias.shape == [n], "linear: bias \(bias.shape) for \(n) outputs") }
        let rows = k == 0 ? 0 : count / k
        let out = [Float](unsafeUninitializedCapacity: rows * n) { buffer, initialized in
            if rows > 0 && n > 0 {
                if k == 0 {
                    // An empty product: the bias alone (or zeros).
                    if let bias {
                        bias.scalars.withUnsafeBufferPointer { pb in
                            for r in 0..<rows { (buffer.baseAddress! + r * n).initialize(from: pb.baseAddress!, count: n) }
                        }
                    } else {
                        buffer.initialize(repeating: 0)
                    }
                } else {
                    scalars.withUnsafeBufferPointer { px in
                        weight.scalars.withUnsafeBufferPointer { pw in
                            if let bias {
                                bias.scalars.withUnsafeBufferPointer { pb in
                                    GEMM.multiply(transposeA: false, transposeB: true, m: rows, n: n, k: k,
                                                  a: px.baseAddress!, lda: k, b: pw.baseAddress!, ldb: k,
                                                  addingRowVector: pb.baseAddress!, c: buffer.baseAddress!, ldc: n)
                                }
                            } else {
                                GEMM.multiply(transposeA: false, transposeB: true, m: rows, n: n, k: k,
                                              a: px.baseAddress!, lda: k, b: pw.baseAddress!, ldb: k,
                                              c: buffer.baseAddress!, ldc: n)
                            }
                        }
                    }
                }
            }
            initialized = rows * n
        }
        let outShape = Array(shape.dropLast()) + [n]
        let x = detached, w = weight.detached
        var inputs = [self, weight]
        if let bias { inputs.append(bias) }
        return Tensor.record("linear", shape: outShape, scalars: out, inputs: inputs) { g, needs in
            var grads: [Tensor?] = [nil, nil, nil]
            g.scalars.withUnsafeBufferPointer { pg in
                if needs[0] {
                    // dx = g · W
                    let dx = [Float](unsafeUninitializedCapacity: rows * k) { buffer, initialized in
                        if rows > 0 && k > 0 {
                            if n == 0 { buffer.initialize(repeating: 0) } else {
                                w.scalars.withUnsafeBufferPointer { pw in
                                    GEMM.multiply(transposeA: false, transposeB: false, m: rows, n: k, k: n,
                                                  a: pg.baseAddress!, lda: n, b: pw.baseAddress!, ldb: k,
                                                  c: buffer.baseAddress!, ldc: k)
                                }
                            }
                        }
                        initialized = rows * k
                    }
                    grads[0] = Tensor(shape: x.shape, scalars: dx)
                }
                if needs[1] {
                    // dW = gᵀ · x
                    var dw = [Float](repeating: 0, count: n * k)
                    if rows > 0 && n > 0 && k > 0 {
                        x.scalars.withUnsafeBufferPointer { px in
                            dw.withUnsafeMutableBufferPointer { pd in
                                GEMM.multiply(transposeA: true, transposeB: false, m: n, n: k, k: rows,
                                              a: pg.baseAddress!, lda: n, b: px.baseAddress!, ldb: k,
                                              c: pd.baseAddress!, ldc: k)
                            }
                        }
                    }
                    grads[1] = Tensor(shape: w.shape, scalars: dw)
                }
                if needs.count > 2 && needs[2] {
                    var db = [Float](repeating: 0, count: n)
                    db.withUnsafeMutableBufferPointer { pd in
                        for r in 0..<rows {
                            let row = pg.baseAddress! + r * n
                            for j in 0..<n { pd[j] += row[j] }
                        }
                    }
                    grads[2] = Tensor(shape: [n], scalars: db)
                }
            }
            return Array(grads.prefix(needs.count))
        }
    }
}
