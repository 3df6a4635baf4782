import Foundation
import LoupeTensor
import LoupeTestSupport
import Testing

/// The decoder ops (RMSNorm, rotary embedding, grouped causal attention, SiLU, GELU-tanh): values
/// against direct formulas and derivatives against central finite differences.
@Suite struct DecoderOpTests {
    let checker = GradientChecker(step: 1e-2, absolute: 2e-3, relative: 2e-2)

    @Test func siluAndGeluTanhMatchTheirFormulas() {
        let x = testTensor([2, 5], seed: 3, range: -3...3)
        let silu = x.silu(), gelu = x.geluTanh()
        for (i, v) in x.scalars.enumerated() {
            #expect(Swift.abs(silu.scalars[i] - v / (1 + Foundation.exp(-v))) < 1e-6)
            let c = (2 / Float.pi).squareRoot()
            let expected = 0.5 * v * (1 + Foundation.tanh(c * (v + 0.044715 * v * v * v)))
            #expect(Swift.abs(gelu.scalars[i] - expected) < 1e-6)
        }
        checker.check([x]) { $0[0].silu() }
        checker.check([x]) { $0[0].geluTanh() }
    }

    @Test func siluGatedIsSiLUTimesUpAndDifferentiates() {
        let g = testTensor([3, 7], seed: 21, range: -4...4), u = testTensor([3, 7], seed: 22, range: -2...2)
        let fused = g.siluGated(by: u), plain = g.silu() * u
        expectClose(fused.scalars, plain.scalars, absolute: 1e-6, relative: 1e-6)
        checker.check([g, u]) { $0[0].siluGated(by: $0[1]) }
        // Only one input on the tape: the other's gradient is not computed.
        let leaf = g.requiringGradient()
        let grads = try? gradients(of: leaf.siluGated(by: u).sum(), withRespectTo: [leaf])
        expectClose(grads?[0].scalars ?? [], zip(g.scalars, u.scalars).map { v, w in
            let s = 1 / (1 + Foundation.exp(-v)); return w * s * (1 + v * (1 - s))
        }, absolute: 1e-5)
    }

    @Test func rmsNormMatchesDefinitionAndGradients() {
        let x = testTensor([3, 6], seed: 4, range: -2...2)
        let w = testTensor([6], seed: 5, range: 0.5...1.5)
        let y = x.rmsNormalized(weight: w, epsilon: 1e-5)
        for r in 0..<3 {
            let row = Array(x.scalars[(r * 6)..<(r * 6 + 6)])
            let rms = (row.map { $0 * $0 }.reduce(0, +) / 6 + 1e-5).squareRoot()
            for j in 0..<6 { #expect(Swift.abs(y[r, j] - row[j] / rms * w.scalars[j]) < 1e-5) }
        }
        checker.check([x, w]) { $0[0].rmsNormalized(weight: $0[1], epsilon: 1e-5) }
    }

    @Test(arguments: [RotaryPairing.halves, .adjacent])
    func rotaryEmbeddingRotatesPairsAndInvertsInBackward(pairing: RotaryPairing) {
        // Two heads of 6 features, 2 rotary frequencies (4 rotated features, 2 passed through).
        let x = testTensor([2, 3, 12], seed: 6)
        let freqs: [Float] = [1, 0.1]
        let positions = [0, 1, 2, 5, 6, 7]
        let y = x.rotaryEmbedded(heads: 2, positions: positions, inverseFrequencies: freqs, scaling: 1.5, pairing: pairing)
        for row in 0..<6 {
            for h in 0..<2 {
                let base = row * 12 + h * 6
                for i in 0..<2 {
                    let (a, b) = pairing == .halves ? (base + i, base + i + 2) : (base + 2 * i, base + 2 * i + 1)
                    let angle = Float(positions[row]) * freqs[i]
                    let (c, s) = (Foundation.cos(angle) * 1.5, Foundation.sin(angle) * 1.5)
                    #expect(Swift.abs(y.scalars[a] - (x.scalars[a] * c - x.scalars[b] * s)) < 1e-5)
                    #expect(Swift.abs(y.scalars[b] - (x.scalars[b] * c + x.scalars[a] * s)) < 1e-5)
                }
                #expect(y.scalars[base + 4] == x.scalars[base + 4] && y.scalars[base + 5] == x.scalars[base + 5])
            }
        }
        checker.check([x]) { $0[0].rotaryEmbedded(heads: 2, positions: positions, inverseFrequencies: freqs,
                                                  scaling: 1.5, pairing: pairing) }
        // Positions shared by every sequence of the batch equal the same positions spelled out.
        let shared = x.rotaryEmbedded(heads: 2, positions: [3, 4, 5], inverseFrequencies: freqs, pairing: pairing)
        let spelled = x.rotaryEmbedded(heads: 2, positions: [3, 4, 5, 3, 4, 5], inverseFrequencies: freqs, pairing: pairing)
        #expect(shared.scalars == spelled.scalars)
    }

    /// Direct attention with explicit loops: query head h reads key/value head h / (H / Hkv).
    func reference(q: Tensor, k: Tensor, v: Tensor, heads: Int, kvHeads: Int, offset: Int,
                   padding: [Bool]?) -> (weights: [Float], context: [Float]) {
        let (b, tq, tk) = (q.shape[0], q.shape[1], k.shape[1])
        let d = q.shape[2] / heads
        var weights = [Float](repeating: 0, count: b * heads * tq * tk)
        var context = [Float](repeating: 0, count: b * tq * heads * d)
        for bi in 0..<b {
            for h in 0..<heads {
                let g = h / (heads / kvHeads)
                for i in 0..<tq {
                    var scores = [Float](repeating: -.infinity, count: tk)
                    for j in 0..<tk where j <= offset + i && !(padding?[bi * tk + j] ?? false) {
                        var s: Float = 0
                        for c in 0..<d { s += q[bi, i, h * d + c] * k[bi, j, g * d + c] }
                        scores[j] = s / Float(d).squareRoot()
                    }
                    let m = scores.max()!
                    let e = scores.map { $0 == -.infinity ? 0 : Foundation.exp($0 - m) }
                    let total = e.reduce(0, +)
                    for j in 0..<tk {
                        let p = e[j] / total
                        weights[((bi * heads + h) * tq + i) * tk + j] = p
                        for c in 0..<d { context[(bi * tq + i) * heads * d + h * d + c] += p * v[bi, j, g * d + c] }
                    }
                }
            }
        }
        return (weights, context)
    }

    @Test(arguments: [(4, 4, 0), (4, 2, 0), (4, 1, 2)])
    func groupedCausalAttentionMatchesReference(heads: Int, kvHeads: Int, offset: Int) {
        let d = 3
        let (b, tq) = (2, 3)
        let tk = tq + offset
        let q = testTensor([b, tq, heads * d], seed: 7), k = testTensor([b, tk, kvHeads * d], seed: 8)
        let v = testTensor([b, tk, kvHeads * d], seed: 9)
        var padding = [Bool](repeating: false, count: b * tk)
        padding[2 * tk - 1] = true // the second sequence's last key is padding
        let weights = Tensor.causalAttentionWeights(query: q, key: k, heads: heads, keyValueHeads: kvHeads,
                                                    queryOffset: offset, keyPadding: padding)
        let context = Tensor.groupedAttentionContext(weights: weights, values: v, keyValueHeads: kvHeads)
        let expected = reference(q: q, k: k, v: v, heads: heads, kvHeads: kvHeads, offset: offset, padding: padding)
        #expect(weights.shape == [b, heads, tq, tk])
        expectClose(weights.scalars, expected.weights, absolute: 1e-5)
        expectClose(context.scalars, expected.context, absolute: 1e-5)
        checker.check([q, k, v]) { t in
            let w = Tensor.causalAttentionWeights(query: t[0], key: t[1], heads: heads, keyValueHeads: kvHeads,
                                                  queryOffset: offset, keyPadding: padding)
            return Tensor.groupedAttentionContext(weights: w, values: t[2], keyValueHeads: kvHeads)
        }
    }

    @Test func aQueryThatSeesNoKeyGetsZeroWeights() {
        let q = testTensor([1, 1, 2], seed: 1), k = testTensor([1, 2, 2], seed: 2)
        let w = Tensor.causalAttentionWeights(query: q, key: k, heads: 1, keyValueHeads: 1, keyPadding: [true, false])
        #expect(w.scalars == [0, 0])
    }
}
