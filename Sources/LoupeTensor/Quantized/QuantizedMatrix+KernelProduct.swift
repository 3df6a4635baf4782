import CLoupeKernels

/// How products with block-quantized weights (Q4_0, Q4_1, Q8_0) are computed where no gradient
/// is recorded. See `docs/quantized.md`.
///
/// The default, ``Mode/decodedTiles``, is what attribution, patching and every parity check see.
/// Generation runs in ``Mode/floatKernels`` (``GreedyGenerator/quantizedArithmetic``). Products
/// with an input or bias on the gradient tape always take ``Mode/decodedTiles``.
public enum QuantizedArithmetic {
    public enum Mode: Sendable, Equatable, CaseIterable {
        /// Tiles of weight rows decoded to floats in memory, multiplied by ``GEMM``.
        case decodedTiles
        /// Each block decoded to floats in registers and multiplied with the input as it is:
        /// `x · dequantize(W)ᵀ` up to float rounding (another summation order), no decoded copy.
        /// From ``QuantizedTiles/wholeDecodeMinimumRows`` input rows on (a prompt), the weight
        /// is decoded once and multiplied by ``GEMM`` instead — the same arithmetic, faster there.
        case floatKernels
        /// The input rounded to 8 bits per block of 32, integer dot products with the stored
        /// blocks (llama.cpp's CPU arithmetic): faster on VNNI CPUs, not the same numbers.
        case integerKernels
    }

    @TaskLocal static var mode: Mode = .decodedTiles

    /// The arithmetic in force (``Mode/decodedTiles`` outside ``with(_:_:)``).
    public static var current: Mode { mode }

    /// Runs `body` with `mode` for the quantized products that have kernels.
    public static func with<R>(_ mode: Mode, _ body: () throws -> R) rethrows -> R {
        try $mode.withValue(mode) { try body() }
    }

    /// The code path of the integer kernels on this CPU: `avx-vnni`, `avx512-vnni`, `avx2` or
    /// `generic` (`LOUPE_QUANTIZED_KERNEL` can choose another at start-up).
    public static var kernelName: String { String(cString: loupe_quantized_kernel_name()) }

    /// The code path of the float kernels on this CPU: `avx512`, `avx2` or `generic`.
    public static var floatKernelName: String { String(cString: loupe_quantized_float_kernel_name()) }

    /// The integer kernels' code paths this CPU can run.
    public static var availableKernels: [String] {
        ["generic", "avx2", "avx-vnni", "avx512-vnni"].filter { loupe_quantized_kernel_available($0) != 0 }
    }

    /// The float kernels' code paths this CPU can run.
    public static var availableFloatKernels: [String] {
        ["generic", "avx2", "avx512"].filter { loupe_quantized_float_kernel_available($0) != 0 }
    }
}

extension QuantizedMatrix {
    /// True when ``integerProduct(_:rows:bias:into:kernel:threads:)`` reads this matrix's
    /// format (Q4_0, Q4_1, Q8_0).
    public var supportsIntegerProducts: Bool { loupe_quantized_type_supported(Int32(type.ggmlTypeID)) != 0 }

    /// `y = x · Wᵀ + bias` with `x` `rows × columns` floats (contiguous), `y` `rows × self.rows`:
    /// each row of `x` rounded to 8-bit blocks of 32 (scale `max|x|/127`), multiplied with the
    /// stored blocks by integer dot products. The error against `x · dequantized()ᵀ` is at
    /// most `Σₖ |Wₙₖ| · dₖ / 2` per output, `dₖ` the scale of `x`'s block holding column k.
    ///
    /// - Parameters:
    ///   - kernel: a code path of ``QuantizedArithmetic/availableKernels``, or `nil` for the best.
    ///   - threads: at most this many threads (0: the GEMM thread count).
    /// - Returns: false, leaving `y` untouched, when the format or the path is not available.
    @discardableResult
    public func integerProduct(_ x: UnsafePointer<Float>, rows m: Int, bias: UnsafePointer<Float>?,
                               into y: UnsafeMutablePointer<Float>, kernel: String? = nil, threads: Int = 0) -> Bool {
        kernelProduct(x, rows: m, bias: bias, into: y, integer: true, kernel: kernel, threads: threads)
    }

    /// As ``integerProduct(_:rows:bias:into:kernel:threads:)`` with the float kernels
    /// (``QuantizedArithmetic/Mode/floatKernels``): `x` is not rounded, so `y` is
    /// `x · dequantized()ᵀ + bias` up to float rounding. `kernel`: a path of
    /// ``QuantizedArithmetic/availableFloatKernels`` or `nil`.
    @discardableResult
    public func floatProduct(_ x: UnsafePointer<Float>, rows m: Int, bias: UnsafePointer<Float>?,
                             into y: UnsafeMutablePointer<Float>, kernel: String? = nil, threads: Int = 0) -> Bool {
        kernelProduct(x, rows: m, bias: bias, into: y, integer: false, kernel: kernel, threads: threads)
    }

    private func kernelProduct(_ x: UnsafePointer<Float>, rows m: Int, bias: UnsafePointer<Float>?,
                               into y: UnsafeMutablePointer<Float>, integer: Bool, kernel: String?, threads: Int) -> Bool {
        guard supportsIntegerProducts, let base = bytes.baseAddress else { return false }
        let run = { (name: UnsafePointer<CChar>?) -> Int32 in
            integer
                ? loupe_quantized_matmul(name, Int32(threads), Int32(self.type.ggmlTypeID), Int32(m), Int32(self.rows),
                                         Int32(self.columns), x, self.columns, base, self.bytesPerRow, bias, y, self.rows)
                : loupe_quantized_matmul_float(name, Int32(threads), Int32(self.type.ggmlTypeID), Int32(m), Int32(self.rows),
                                               Int32(self.columns), x, self.columns, base, self.bytesPerRow, bias, y, self.rows)
        }
        if let kernel { return kernel.withCString { run($0) } != 0 }
        return run(nil) != 0
    }

    /// `x · Wᵀ + bias` over the last axis of `x` (`[..., columns]` → `[..., rows]`) by
    /// ``integerProduct(_:rows:bias:into:kernel:threads:)``, as a constant (no gradient), or
    /// `nil` when this matrix's format has no kernel.
    public func integerProduct(_ x: Tensor, bias: Tensor?, kernel: String? = nil) -> Tensor? {
        product(x, bias: bias, arithmetic: .integerKernels, kernel: kernel)
    }

    /// The same by ``floatProduct(_:rows:bias:into:kernel:threads:)``.
    public func floatProduct(_ x: Tensor, bias: Tensor?, kernel: String? = nil) -> Tensor? {
        product(x, bias: bias, arithmetic: .floatKernels, kernel: kernel)
    }

    /// `x · Wᵀ + bias` with the kernels of `arithmetic` (``QuantizedArithmetic/Mode/decodedTiles``
    /// has none: `nil`), as a constant.
    public func product(_ x: Tensor, bias: Tensor?, arithmetic: QuantizedArithmetic.Mode, kernel: String? = nil) -> Tensor? {
        precondition(x.rank >= 1 && x.shape[x.rank - 1] == columns,
                     "quantized product: input \(x.shape) does not match quantized weight \(shape) ([out, in])")
        if let bias { precondition(bias.shape == [rows], "quantized product: bias \(bias.shape) for \(rows) outputs") }
        let m = columns == 0 ? 0 : x.count / columns
        guard arithmetic != .decodedTiles, supportsIntegerProducts, m > 0, rows > 0, columns > 0 else { return nil }
        let integer = arithmetic == .integerKernels
        var ok = true
        let out = [Float](unsafeUninitializedCapacity: m * rows) { buffer, initialized in
            x.scalars.withUnsafeBufferPointer { px in
                if let bias {
                    bias.scalars.withUnsafeBufferPointer { pb in
                        ok = kernelProduct(px.baseAddress!, rows: m, bias: pb.baseAddress!, into: buffer.baseAddress!,
                                           integer: integer, kernel: kernel, threads: 0)
                    }
                } else {
                    ok = kernelProduct(px.baseAddress!, rows: m, bias: nil, into: buffer.baseAddress!, integer: integer,
                                       kernel: kernel, threads: 0)
                }
            }
            if !ok { buffer.initialize(repeating: 0) }
            initialized = m * rows
        }
        return ok ? Tensor(shape: Array(x.shape.dropLast()) + [rows], scalars: out) : nil
    }
}

extension QuantizedMatrix {
    /// `x · Wₛᵀ + biasₛ` for each matrix `Wₛ` of `matrices` (all with `x`'s last axis as
    /// columns; at most 8), as constants, with the kernels of `arithmetic`: the input is prepared
    /// once (rounded to 8 bits, or its block sums taken) and the rows of every matrix are shared
    /// out over the threads in one pass (a layer's Q, K, V; gate and up). Each result equals
    /// ``product(_:bias:arithmetic:kernel:)``'s. `nil` when a matrix's format has no kernel,
    /// `arithmetic` is ``QuantizedArithmetic/Mode/decodedTiles`` or the input is empty.
    public static func products(_ x: Tensor, _ matrices: [QuantizedMatrix], biases: [Tensor?]? = nil,
                                arithmetic: QuantizedArithmetic.Mode, kernel: String? = nil) -> [Tensor]? {
        guard arithmetic != .decodedTiles, let k = x.shape.last, !matrices.isEmpty, matrices.count <= 8, k > 0,
              x.count > 0 else { return nil }
        let m = x.count / k
        var types: [Int32] = [], counts: [Int32] = [], strides: [Int] = [], outStrides: [Int] = []
        var bases: [UnsafeRawPointer?] = []
        for w in matrices {
            precondition(w.columns == k, "quantized products: input \(x.shape) does not match quantized weight \(w.shape) ([out, in])")
            guard w.supportsIntegerProducts, w.rows > 0, let base = w.bytes.baseAddress else { return nil }
            types.append(Int32(w.type.ggmlTypeID))
            counts.append(Int32(w.rows))
            strides.append(w.bytesPerRow)
            outStrides.append(w.rows)
            bases.append(base)
        }
        let outputs = matrices.map { UnsafeMutablePointer<Float>.allocate(capacity: m * $0.rows) }
        defer { outputs.forEach { $0.deallocate() } }
        var biasCopies: [UnsafeMutablePointer<Float>?] = []
        defer { biasCopies.forEach { $0?.deallocate() } }
        for (s, w) in matrices.enumerated() {
            guard let bias = biases?[s] else { biasCopies.append(nil); continue }
            precondition(bias.shape == [w.rows], "quantized products: bias \(bias.shape) for \(w.rows) outputs")
            let copy = UnsafeMutablePointer<Float>.allocate(capacity: w.rows)
            copy.initialize(from: bias.scalars, count: w.rows)
            biasCopies.append(copy)
        }
        let ok = x.scalars.withUnsafeBufferPointer { px -> Bool in
            let biasPointers: [UnsafePointer<Float>?] = biasCopies.map { $0.map { UnsafePointer($0) } }
            let outputPointers: [UnsafeMutablePointer<Float>?] = outputs
            let run = { (name: UnsafePointer<CChar>?) -> Int32 in
                loupe_quantized_matmul_batch(name, 0, arithmetic == .integerKernels ? Int32(LOUPE_QUANTIZED_INT8) : Int32(LOUPE_QUANTIZED_FLOAT),
                                             Int32(matrices.count), types, counts, bases, strides,
                                             biasPointers, outputPointers, outStrides, Int32(m), Int32(k), px.baseAddress!, k)
            }
            return (kernel.map { $0.withCString { run($0) } } ?? run(nil)) != 0
        }
        guard ok else { return nil }
        let leading = Array(x.shape.dropLast())
        return zip(matrices, outputs).map { w, out in
            Tensor(shape: leading + [w.rows], scalars: Array(UnsafeBufferPointer(start: out, count: m * w.rows)))
        }
    }
}
