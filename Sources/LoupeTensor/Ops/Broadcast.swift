/// Broadcasting kernels shared by the elementwise ops.
enum Broadcast {
    /// Applies `f` elementwise over the broadcast of `a` and `b`.
    @inline(__always)
    static func apply(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) throws -> (shape: [Int], scalars: [Float]) {
        if a.shape == b.shape {
            return (a.shape, zipMap(a.scalars, b.scalars, f))
        }
        let shape = try Shape.broadcast(a.shape, b.shape)
        let n = shape.reduce(1, *)
        var out = [Float](repeating: 0, count: n)
        if b.count == 1 {
            let s = b.scalars[0]
            a.scalars.withUnsafeBufferPointer { pa in
                out.withUnsafeMutableBufferPointer { po in for i in 0..<n { po[i] = f(pa[i], s) } }
            }
            return (shape, out)
        }
        if a.count == 1 {
            let s = a.scalars[0]
            b.scalars.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { po in for i in 0..<n { po[i] = f(s, pb[i]) } }
            }
            return (shape, out)
        }
        // b is a suffix of the output (e.g. a bias row): tile it.
        if a.count == n, isSuffix(b.shape, of: shape) {
            let m = b.count
            a.scalars.withUnsafeBufferPointer { pa in
                b.scalars.withUnsafeBufferPointer { pb in
                    out.withUnsafeMutableBufferPointer { po in
                        var base = 0
                        while base < n {
                            for j in 0..<m { po[base + j] = f(pa[base + j], pb[j]) }
                            base += m
                        }
                    }
                }
            }
            return (shape, out)
        }
        let sa = Shape.broadcastStrides(a.shape, to: shape)
        let sb = Shape.broadcastStrides(b.shape, to: shape)
        a.scalars.withUnsafeBufferPointer { pa in
            b.scalars.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { po in
                    forEachOffset(shape: shape, sa, sb) { i, oa, ob in po[i] = f(pa[oa], pb[ob]) }
                }
            }
        }
        return (shape, out)
    }

    @inline(__always)
    static func zipMap(_ x: [Float], _ y: [Float], _ f: (Float, Float) -> Float) -> [Float] {
        let n = x.count
        return [Float](unsafeUninitializedCapacity: n) { buf, count in
            x.withUnsafeBufferPointer { px in
                y.withUnsafeBufferPointer { py in
                    for i in 0..<n { buf[i] = f(px[i], py[i]) }
                }
            }
            count = n
        }
    }

    @inline(__always)
    static func map(_ x: [Float], _ f: (Float) -> Float) -> [Float] {
        let n = x.count
        return [Float](unsafeUninitializedCapacity: n) { buf, count in
            x.withUnsafeBufferPointer { px in for i in 0..<n { buf[i] = f(px[i]) } }
            count = n
        }
    }

    static func isSuffix(_ small: [Int], of big: [Int]) -> Bool {
        var s = small
        while let first = s.first, first == 1, s.count > 0 { s.removeFirst() }
        guard s.count <= big.count else { return false }
        return Array(big.suffix(s.count)) == s
    }

    /// Visits every output index `i` of `shape` with the matching offsets under two stride sets.
    @inline(__always)
    static func forEachOffset(shape: [Int], _ sa: [Int], _ sb: [Int], _ body: (Int, Int, Int) -> Void) {
        let rank = shape.count
        let n = shape.reduce(1, *)
        guard n > 0 else { return }
        if rank == 0 { body(0, 0, 0); return }
        var index = [Int](repeating: 0, count: rank)
        var oa = 0, ob = 0
        let inner = shape[rank - 1], ia = sa[rank - 1], ib = sb[rank - 1]
        var i = 0
        while i < n {
            var a = oa, b = ob
            for _ in 0..<inner {
                body(i, a, b)
                a += ia; b += ib; i += 1
            }
            // advance the outer odometer
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                oa += sa[axis]; ob += sb[axis]
                if index[axis] < shape[axis] { break }
                oa -= sa[axis] * shape[axis]; ob -= sb[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }
}

extension Tensor {
    /// Sums this tensor down to `target` (the inverse of broadcasting), as the derivative of a
    /// broadcast needs.
    public func summed(toShape target: [Int]) -> Tensor {
        if shape == target { return self }
        let n = target.reduce(1, *)
        var out = [Float](repeating: 0, count: n)
        if n == 1 {
            out[0] = scalars.reduce(0, +)
            return Tensor(shape: target, scalars: out)
        }
        if Broadcast.isSuffix(target, of: shape) {
            scalars.withUnsafeBufferPointer { p in
                var base = 0
                while base < p.count {
                    for j in 0..<n { out[j] += p[base + j] }
                    base += n
                }
            }
            return Tensor(shape: target, scalars: out)
        }
        let st = Shape.broadcastStrides(target, to: shape)
        let own = Shape.strides(of: shape)
        scalars.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { po in
                Broadcast.forEachOffset(shape: shape, own, st) { i, _, ot in po[ot] += p[i] }
            }
        }
        return Tensor(shape: target, scalars: out)
    }

    /// Elementwise sum of two tensors of the same shape, off the tape (gradient accumulation).
    func adding(_ other: Tensor) -> Tensor {
        precondition(shape == other.shape, "gradient shapes \(shape) and \(other.shape)")
        return Tensor(shape: shape, scalars: Broadcast.zipMap(scalars, other.scalars, +))
    }
}
