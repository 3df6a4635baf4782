/// Shape manipulation: reshape, permute, broadcast, concatenate and slice.
extension Tensor {
    /// The same elements under a new shape; one dimension may be `-1` (inferred).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var target = newShape
        if let hole = target.firstIndex(of: -1) {
            let known = target.enumerated().filter { $0.offset != hole }.map(\.element).reduce(1, *)
            precondition(known > 0 && count % known == 0, "cannot reshape \(shape) to \(newShape)")
            target[hole] = count / known
        }
        precondition(target.reduce(1, *) == count, "cannot reshape \(shape) (\(count) elements) to \(newShape)")
        let inShape = shape
        return Tensor.record("reshape", shape: target, scalars: scalars, inputs: [self]) { g, _ in
            [Tensor(shape: inShape, scalars: g.scalars)]
        }
    }

    /// Reorders the axes: result axis `i` is input axis `permutation[i]`.
    public func permuted(_ permutation: [Int]) -> Tensor {
        precondition(permutation.sorted() == Array(0..<rank), "bad permutation \(permutation) for rank \(rank)")
        if permutation == Array(0..<rank) { return self }
        let outShape = permutation.map { shape[$0] }
        let inStrides = Shape.strides(of: shape)
        let gathered = permutation.map { inStrides[$0] }
        var out = [Float](repeating: 0, count: count)
        scalars.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { po in
                Broadcast.forEachOffset(shape: outShape, gathered, gathered) { i, o, _ in po[i] = p[o] }
            }
        }
        var inverse = [Int](repeating: 0, count: rank)
        for (i, p) in permutation.enumerated() { inverse[p] = i }
        return Tensor.record("permute", shape: outShape, scalars: out, inputs: [self]) { g, _ in
            [g.permuted(inverse)]
        }
    }

    /// Swaps two axes (default: the last two).
    public func transposed(_ a: Int = -2, _ b: Int = -1) -> Tensor {
        var perm = Array(0..<rank)
        perm.swapAt(Shape.axis(a, rank: rank), Shape.axis(b, rank: rank))
        return permuted(perm)
    }

    /// Broadcasts to `target` (materialised); the derivative sums back.
    public func expanded(to target: [Int]) -> Tensor {
        if target == shape { return self }
        let result: (shape: [Int], scalars: [Float])
        do { result = try Broadcast.apply(self, Tensor.zeros(target)) { a, _ in a } } catch {
            preconditionFailure("cannot expand \(shape) to \(target)")
        }
        precondition(result.shape == target, "cannot expand \(shape) to \(target)")
        let inShape = shape
        return Tensor.record("expand", shape: target, scalars: result.scalars, inputs: [self]) { g, _ in
            [g.summed(toShape: inShape)]
        }
    }

    /// Inserts a dimension of size 1 at `axis`.
    public func unsqueezed(at axis: Int) -> Tensor {
        var s = shape
        s.insert(1, at: axis < 0 ? axis + rank + 1 : axis)
        return reshaped(s)
    }

    /// Removes a dimension of size 1 at `axis`.
    public func squeezed(at axis: Int) -> Tensor {
        let ax = Shape.axis(axis, rank: rank)
        precondition(shape[ax] == 1, "cannot squeeze axis \(axis) of \(shape)")
        var s = shape
        s.remove(at: ax)
        return reshaped(s)
    }

    /// Concatenates tensors along `axis`; all other dimensions must agree.
    public static func concatenate(_ tensors: [Tensor], alongAxis axis: Int) -> Tensor {
        precondition(!tensors.isEmpty, "concatenate of no tensors")
        let first = tensors[0]
        let ax = Shape.axis(axis, rank: first.rank)
        for t in tensors {
            precondition(t.rank == first.rank && t.shape.enumerated().allSatisfy { $0.offset == ax || $0.element == first.shape[$0.offset] },
                         "concatenate: \(t.shape) does not match \(first.shape) outside axis \(ax)")
        }
        let outer = first.shape[..<ax].reduce(1, *)
        let inner = first.shape[(ax + 1)...].reduce(1, *)
        let widths = tensors.map { $0.shape[ax] * inner }
        let total = widths.reduce(0, +)
        var out = [Float](repeating: 0, count: outer * total)
        var offset = 0
        for (t, w) in zip(tensors, widths) {
            t.scalars.withUnsafeBufferPointer { p in
                for o in 0..<outer {
                    for j in 0..<w { out[o * total + offset + j] = p[o * w + j] }
                }
            }
            offset += w
        }
        var outShape = first.shape
        outShape[ax] = tensors.map { $0.shape[ax] }.reduce(0, +)
        let shapes = tensors.map(\.shape)
        return record("concat", shape: outShape, scalars: out, inputs: tensors) { g, needs in
            var grads: [Tensor?] = []
            var start = 0
            for (i, w) in widths.enumerated() {
                if needs[i] {
                    var d = [Float](repeating: 0, count: outer * w)
                    for o in 0..<outer { for j in 0..<w { d[o * w + j] = g.scalars[o * total + start + j] } }
                    grads.append(Tensor(shape: shapes[i], scalars: d))
                } else {
                    grads.append(nil)
                }
                start += w
            }
            return grads
        }
    }

    /// Elements `range` along `axis`.
    public func sliced(alongAxis axis: Int, _ range: Range<Int>) -> Tensor {
        let ax = Shape.axis(axis, rank: rank)
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[ax],
                     "slice \(range) out of bounds for axis \(ax) of \(shape)")
        let (outer, n, inner) = splitAround(ax)
        let w = range.count * inner
        var out = [Float](repeating: 0, count: outer * w)
        scalars.withUnsafeBufferPointer { p in
            for o in 0..<outer {
                let src = (o * n + range.lowerBound) * inner
                for j in 0..<w { out[o * w + j] = p[src + j] }
            }
        }
        var outShape = shape
        outShape[ax] = range.count
        let inShape = shape
        return Tensor.record("slice", shape: outShape, scalars: out, inputs: [self]) { g, _ in
            var d = [Float](repeating: 0, count: outer * n * inner)
            for o in 0..<outer {
                let dst = (o * n + range.lowerBound) * inner
                for j in 0..<w { d[dst + j] = g.scalars[o * w + j] }
            }
            return [Tensor(shape: inShape, scalars: d)]
        }
    }

    /// Splits into `parts` equal chunks along `axis`.
    public func chunked(_ parts: Int, alongAxis axis: Int) -> [Tensor] {
        let ax = Shape.axis(axis, rank: rank)
        precondition(parts > 0 && shape[ax] % parts == 0, "cannot split axis \(ax) of \(shape) into \(parts)")
        let size = shape[ax] / parts
        return (0..<parts).map { sliced(alongAxis: ax, ($0 * size)..<(($0 + 1) * size)) }
    }
}
