import CLoupeKernels
import Testing

// Tests of the fused attention kernels (Sources/CLoupeKernels/attention.c) against a naive
// double-precision reference, on every code path this CPU can run, over block sizes that hit
// every edge of the 8-wide vector loops, with padded keys and a query whose keys are all padded.

private let attentionPaths = ["generic", "avx2-fma"].filter { path in
    var scratch = [Float](repeating: 0, count: 64), p = [Float](repeating: 0, count: 1), o = [Float](repeating: 0, count: 1)
    let x: [Float] = [0, 0, 0]
    return loupe_attention_forward_using(path, 1, 1, 1, x, x, x, 3, nil, &p, &o, 1, &scratch) == 1
}

/// One (batch, head) block in the packed layout: rows of [Q | K | V | unused], row stride `ld`.
private struct Block {
    let t: Int, d: Int, ld: Int
    var packed: [Float]
    var dOut: [Float]
    var padded: [UInt8]

    init(t: Int, d: Int, seed: UInt64, allPaddedQuery: Bool) {
        self.t = t
        self.d = d
        ld = 3 * d + 5
        var state = seed | 1
        func next() -> Float {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Float(state >> 40) / Float(1 << 23) * 2 - 1
        }
        packed = (0..<(t * ld)).map { _ in next() * 2 }
        dOut = (0..<(t * d)).map { _ in next() }
        // Pad every third key, but never all of them (unless asked, to test that case).
        padded = (0..<t).map { allPaddedQuery ? 1 : ($0 % 3 == 2 ? 1 : 0) }
    }

    func q(_ i: Int, _ c: Int) -> Double { Double(packed[i * ld + c]) }
    func k(_ j: Int, _ c: Int) -> Double { Double(packed[i0k + j * ld + c]) }
    func v(_ j: Int, _ c: Int) -> Double { Double(packed[i0v + j * ld + c]) }
    var i0k: Int { d }
    var i0v: Int { 2 * d }

    /// Reference P (t×t), output (t×d), and dQ, dK, dV (t×d each) in double precision.
    func reference(scale: Double) -> (p: [Double], out: [Double], dq: [Double], dk: [Double], dv: [Double]) {
        var p = [Double](repeating: 0, count: t * t), out = [Double](repeating: 0, count: t * d)
        for i in 0..<t {
            let keys = (0..<t).filter { padded[$0] == 0 }
            guard !keys.isEmpty else { continue }
            let s = keys.map { j in scale * (0..<d).reduce(0.0) { $0 + q(i, $1) * k(j, $1) } }
            let m = s.max()!
            let e = s.map { Foundation.exp($0 - m) }
            let z = e.reduce(0, +)
            for (n, j) in keys.enumerated() { p[i * t + j] = e[n] / z }
            for c in 0..<d { out[i * d + c] = (0..<t).reduce(0.0) { $0 + p[i * t + $1] * v($1, c) } }
        }
        var dq = [Double](repeating: 0, count: t * d), dk = dq, dv = dq
        for i in 0..<t {
            let dp = (0..<t).map { j in (0..<d).reduce(0.0) { $0 + Double(dOut[i * d + $1]) * v(j, $1) } }
            let w = (0..<t).reduce(0.0) { $0 + p[i * t + $1] * dp[$1] }
            for j in 0..<t {
                let ds = scale * p[i * t + j] * (dp[j] - w)
                for c in 0..<d {
                    dq[i * d + c] += ds * k(j, c)
                    dk[j * d + c] += ds * q(i, c)
                    dv[j * d + c] += p[i * t + j] * Double(dOut[i * d + c])
                }
            }
        }
        return (p, out, dq, dk, dv)
    }
}

import Foundation

private func expectNear(_ actual: [Float], _ expected: [Double], _ what: String, _ label: String) {
    var worst = 0.0
    for (a, e) in zip(actual, expected) { worst = max(worst, abs(Double(a) - e) / max(1, abs(e))) }
    #expect(worst < 2e-4, "\(label): \(what) off by \(worst)")  // float32 sums of up to 64 terms
}

@Suite("Fused attention kernel")
struct AttentionKernelTests {
    static let shapes: [(t: Int, d: Int)] = [(1, 1), (3, 5), (8, 8), (9, 16), (13, 3), (20, 32), (24, 40), (33, 12), (40, 64)]

    @Test(arguments: attentionPaths)
    func matchesDoublePrecisionReference(path: String) {
        for (n, shape) in Self.shapes.enumerated() {
            for allPadded in [false, true] where !(allPadded && n % 2 == 1) {
                let block = Block(t: shape.t, d: shape.d, seed: UInt64(100 + n), allPaddedQuery: allPadded)
                let (t, d, ld) = (block.t, block.d, block.ld)
                let scale = 1 / Float(d).squareRoot()
                let reference = block.reference(scale: Double(scale))
                let label = "\(path) t=\(t) d=\(d)\(allPadded ? " all keys padded" : "")"
                var scratch = [Float](repeating: .nan, count: loupe_attention_scratch_count(Int32(t), Int32(d)))
                var p = [Float](repeating: .nan, count: t * t)
                // Output rows with a gap (stride d + 2) that must stay untouched.
                var out = [Float](repeating: 7, count: t * (d + 2))
                block.packed.withUnsafeBufferPointer { x in
                    let base = x.baseAddress!
                    _ = loupe_attention_forward_using(path, Int32(t), Int32(d), scale, base, base + d, base + 2 * d, ld,
                                                      block.padded, &p, &out, d + 2, &scratch)
                }
                expectNear(p, reference.p, "weights", label)
                let packedOut = (0..<t).flatMap { i in out[(i * (d + 2))..<(i * (d + 2) + d)] }
                expectNear(packedOut, reference.out, "output", label)
                #expect((0..<t).allSatisfy { out[$0 * (d + 2) + d] == 7 && out[$0 * (d + 2) + d + 1] == 7 }, "\(label): wrote past a row")

                var grads = [Float](repeating: .nan, count: t * ld)
                block.packed.withUnsafeBufferPointer { x in
                    grads.withUnsafeMutableBufferPointer { g in
                        let (base, gb) = (x.baseAddress!, g.baseAddress!)
                        _ = loupe_attention_backward_using(path, Int32(t), Int32(d), scale, base, base + d, base + 2 * d, ld,
                                                           p, block.dOut, d, gb, gb + d, gb + 2 * d, ld, &scratch)
                    }
                }
                let part = { (offset: Int) in (0..<t).flatMap { i in grads[(i * ld + offset)..<(i * ld + offset + d)] } }
                expectNear(part(0), reference.dq, "dQ", label)
                expectNear(part(d), reference.dk, "dK", label)
                expectNear(part(2 * d), reference.dv, "dV", label)
            }
        }
    }

    @Test func baselinePathIsAlwaysAvailable() {
        #expect(attentionPaths.contains("generic"))
    }
}
